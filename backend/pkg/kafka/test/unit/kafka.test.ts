import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { headersToStrings, toLogCreator, type LoggerLike } from '../../src/index.js';

describe('headersToStrings', () => {
  it('decodes Buffer, string and array header values and skips empty ones', () => {
    assert.deepEqual(
      headersToStrings({
        'request-id': Buffer.from('42'),
        traceparent: '00-abc-def-01',
        multi: [Buffer.from('first'), Buffer.from('second')],
        missing: undefined,
      }),
      { 'request-id': '42', traceparent: '00-abc-def-01', multi: 'first' },
    );
    assert.deepEqual(headersToStrings(undefined), {});
  });
});

describe('toLogCreator', () => {
  it('routes kafkajs log entries to the matching logger level with their fields', () => {
    const lines: [string, string, Record<string, unknown> | undefined][] = [];
    const sink = (level: string) => (message: string, meta?: Record<string, unknown>) =>
      lines.push([level, message, meta]);
    const logger: LoggerLike = {
      error: sink('error'),
      warn: sink('warn'),
      info: sink('info'),
      debug: sink('debug'),
    };
    const log = toLogCreator(logger)(kafkajs.logLevel.DEBUG);
    const entry = (message: string) => ({ message, timestamp: 'now', logger: 'kafkajs', broker: 'b:9092' });
    log({ namespace: 'Connection', level: kafkajs.logLevel.ERROR, label: 'ERROR', log: entry('refused') });
    log({ namespace: 'Consumer', level: kafkajs.logLevel.INFO, label: 'INFO', log: entry('joined') });
    assert.deepEqual(lines, [
      ['error', 'refused', { component: 'kafkajs', namespace: 'Connection', broker: 'b:9092' }],
      ['info', 'joined', { component: 'kafkajs', namespace: 'Consumer', broker: 'b:9092' }],
    ]);
  });
});
