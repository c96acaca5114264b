import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/index.js';
import { createSink } from './sink.js';

describe('createLogger', () => {
  it('writes one JSON line with level, ISO time, service and msg first, then the fields', async () => {
    const sink = createSink();
    const logger = createLogger({ service: 'one', stream: sink.stream });

    logger.info('request stored', { request_id: '42', attempts: 1 });

    const [line] = await sink.lines();
    const { time, ...rest } = line!;
    assert.deepEqual(Object.keys(line!), ['level', 'time', 'service', 'msg', 'request_id', 'attempts']);
    assert.deepEqual(rest, {
      level: 'info',
      service: 'one',
      msg: 'request stored',
      request_id: '42',
      attempts: 1,
    });
    assert.equal(new Date(time as string).toISOString(), time);
  });

  it('drops lines below the configured level', async () => {
    const sink = createSink();
    const logger = createLogger({ service: 'one', level: 'warn', stream: sink.stream });

    logger.debug('noise');
    logger.info('still noise');
    logger.warn('kept');
    logger.error('kept too');

    assert.deepEqual(
      (await sink.lines()).map((line) => line.msg),
      ['kept', 'kept too'],
    );
  });

  it('rejects an unknown level at creation instead of logging nothing', () => {
    assert.throws(() => createLogger({ service: 'one', level: 'verbose!' }), /unknown log level "verbose!"/);
  });

  it('adds child-logger context to every line of the child only', async () => {
    const sink = createSink();
    const logger = createLogger({ service: 'two', stream: sink.stream });
    const child = logger.child({ request_id: 'r-1' });

    child.info('handling');
    logger.info('unrelated');

    const [fromChild, fromParent] = await sink.lines();
    assert.equal(fromChild!.request_id, 'r-1');
    assert.equal(fromParent!.request_id, undefined);
  });

  it('calls contextFields for every line, and call-site fields win over it', async () => {
    const sink = createSink();
    let span = 0;
    const logger = createLogger({
      service: 'one',
      stream: sink.stream,
      contextFields: () => ({ trace_id: 't-1', span_id: `s-${++span}` }),
    });

    logger.info('first');
    logger.info('second', { trace_id: 'explicit' });

    const [first, second] = await sink.lines();
    assert.deepEqual([first!.trace_id, first!.span_id], ['t-1', 's-1']);
    assert.deepEqual([second!.trace_id, second!.span_id], ['explicit', 's-2']);
  });

  it('still logs the line when contextFields throws', async () => {
    const sink = createSink();
    const logger = createLogger({
      service: 'one',
      stream: sink.stream,
      contextFields: () => {
        throw new Error('no active span');
      },
    });

    logger.info('survives');

    const [line] = await sink.lines();
    assert.equal(line!.msg, 'survives');
    assert.equal(line!.context_error, 'no active span');
  });

  it('keeps level, time, service and msg from being overwritten by fields', async () => {
    const sink = createSink();
    const logger = createLogger({ service: 'one', stream: sink.stream });

    logger.info('real', { service: 'spoofed', time: 'yesterday', msg: 'fake' });

    const [line] = await sink.lines();
    assert.equal(line!.service, 'one');
    assert.equal(line!.msg, 'real');
    assert.notEqual(line!.time, 'yesterday');
  });

  it('serialises an Error field with name, message, stack, code and cause', async () => {
    const sink = createSink();
    const logger = createLogger({ service: 'two', stream: sink.stream });
    const error = Object.assign(new TypeError('broker down', { cause: new Error('ECONNREFUSED') }), {
      code: 'E_KAFKA',
    });

    logger.error('publish failed', { err: error });

    const [line] = await sink.lines();
    const err = line!.err as Record<string, unknown>;
    assert.equal(err.name, 'TypeError');
    assert.equal(err.message, 'broker down');
    assert.match(err.stack as string, /^TypeError: broker down\n\s+at /);
    assert.equal(err.code, 'E_KAFKA');
    assert.equal((err.cause as Record<string, unknown>).message, 'ECONNREFUSED');
  });
});
