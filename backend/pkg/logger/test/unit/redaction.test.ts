import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, createRedactor, DEFAULT_REDACTED_KEYS, REDACTED } from '../../src/index.js';
import { createSink } from './sink.js';

function loggerWithSink(redactKeys?: readonly string[]) {
  const sink = createSink();
  return { sink, logger: createLogger({ service: 'two', stream: sink.stream, redactKeys }) };
}

describe('redaction in log lines', () => {
  it('redacts secret keys at any depth, inside arrays too', async () => {
    const { sink, logger } = loggerWithSink();

    logger.info('token call', {
      request: { headers: { authorization: 'Basic dXNlcjpwYXNz', accept: 'application/json' } },
      attempts: [{ response: { body: { access_token: 'eyJhbGciOi', expires_in: 300 } } }],
    });

    const [line] = await sink.lines();
    assert.deepEqual(line!.request, { headers: { authorization: REDACTED, accept: 'application/json' } });
    assert.deepEqual(line!.attempts, [{ response: { body: { access_token: REDACTED, expires_in: 300 } } }]);
  });

  it('matches keys case-insensitively', async () => {
    const { sink, logger } = loggerWithSink();

    logger.info('headers', { Authorization: 'a', PASSWORD: 'b', ClientSecret: 'c', 'Set-Cookie': ['d'] });

    const [line] = await sink.lines();
    for (const key of ['Authorization', 'PASSWORD', 'ClientSecret', 'Set-Cookie'])
      assert.equal(line![key], REDACTED);
  });

  it('redacts secrets in child-logger context', async () => {
    const { sink, logger } = loggerWithSink();

    logger.child({ request_id: 'r-1', client: { clientSecret: 's3cr3t' } }).info('calling');

    const [line] = await sink.lines();
    assert.equal(line!.request_id, 'r-1');
    assert.deepEqual(line!.client, { clientSecret: REDACTED });
  });

  it('redacts secret fields of an Error and credentials quoted in its message and stack', async () => {
    const { sink, logger } = loggerWithSink();
    const error = Object.assign(new Error('401 for header Bearer eyJhbGciOiJIUzI1NiJ9.abc'), { token: 't' });

    logger.error('third party refused', { err: error });

    const [line] = await sink.lines();
    const err = line!.err as Record<string, string>;
    assert.equal(err.token, REDACTED);
    assert.equal(err.message, `401 for header Bearer ${REDACTED}`);
    assert.doesNotMatch(err.stack!, /eyJhbGci/);
  });

  it('redacts Bearer and Basic credentials in strings no key gives away, and in msg', async () => {
    const { sink, logger } = loggerWithSink();

    logger.info('sent Authorization: Bearer abcdefgh12345', {
      rawHeaders: ['authorization', 'Basic dXNlcjpwYXNzd29yZA==', 'host', 'example.com'],
      note: 'Basic configuration loaded',
    });

    const [line] = await sink.lines();
    assert.equal(line!.msg, `sent Authorization: Bearer ${REDACTED}`);
    assert.deepEqual(line!.rawHeaders, ['authorization', `Basic ${REDACTED}`, 'host', 'example.com']);
    assert.equal(line!.note, 'Basic configuration loaded');
  });

  it('redacts the password of a connection URL', async () => {
    const { sink, logger } = loggerWithSink();

    logger.info('connecting', { database: { url: 'postgresql://app:s3cr3t@127.0.0.1:54329/one' } });

    const [line] = await sink.lines();
    assert.deepEqual(line!.database, { url: `postgresql://app:${REDACTED}@127.0.0.1:54329/one` });
  });

  it('does not mutate the objects that were logged', async () => {
    const { sink, logger } = loggerWithSink();
    const fields = { headers: { authorization: 'Bearer abcdefgh12345' }, list: [{ password: 'p' }] };
    const before = structuredClone(fields);

    logger.info('call', fields);
    await sink.lines();

    assert.deepEqual(fields, before);
  });

  it('survives cycles and logs shared references in full', async () => {
    const { sink, logger } = loggerWithSink();
    const shared = { region: 'eu' };
    const node: Record<string, unknown> = { name: 'a', left: shared, right: shared, secret: 'x' };
    node.self = node;

    logger.info('graph', { node });

    const [line] = await sink.lines();
    assert.deepEqual(line!.node, {
      name: 'a',
      left: { region: 'eu' },
      right: { region: 'eu' },
      secret: REDACTED,
      self: '[Circular]',
    });
  });

  it('uses the given keys instead of the defaults when redactKeys is set', async () => {
    const { sink, logger } = loggerWithSink([...DEFAULT_REDACTED_KEYS, 'iban']);

    logger.info('payout', { IBAN: 'DE89370400440532013000', password: 'p' });

    const [line] = await sink.lines();
    assert.deepEqual([line!.IBAN, line!.password], [REDACTED, REDACTED]);
  });
});

describe('createRedactor', () => {
  it('turns values JSON cannot hold into readable ones', () => {
    const redact = createRedactor(DEFAULT_REDACTED_KEYS);
    const copy = redact({
      big: 2n ** 70n,
      at: new Date(0),
      map: new Map([['token', 't']]),
      set: new Set([1]),
      bytes: Buffer.from('secret'),
    });
    assert.deepEqual(copy, {
      big: '1180591620717411303424',
      at: '1970-01-01T00:00:00.000Z',
      map: { token: REDACTED },
      set: [1],
      bytes: '[Buffer 6 bytes]',
    });
  });
});
