import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRequest } from '../../src/consumer/decode-request.js';
import { parseRetryAfter } from '../../src/third-party/retry-after.js';

const ID = '382555799223730176';
const valid = {
  version: 1,
  type: 'one.request.accepted',
  request_id: ID,
  user_id: 'user-1',
  prompt: 'hi',
  data: [{ key: 'k', value: 'v' }],
  accepted_at: '2026-11-21T15:00:00.000Z',
};
const decode = (value: unknown, key: string | null = ID) =>
  decodeRequest(
    key === null ? null : Buffer.from(key),
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  );

describe('decodeRequest', () => {
  it('accepts a v1 accepted request keyed by its id', () => {
    assert.deepEqual(decode(valid), { ok: true, request: valid });
  });

  it('refuses what is not JSON, not v1, not a snowflake id, or keyed by something else', () => {
    assert.deepEqual(decode('{oops'), { ok: false, error: 'value is not JSON' });
    assert.equal(decode({ ...valid, version: 2 }).ok, false);
    assert.match((decode({ ...valid, request_id: 'abc' }) as { error: string }).error, /request_id/);
    assert.match((decode({ ...valid, data: [{ key: 1 }] }) as { error: string }).error, /data/);
    assert.deepEqual(decode(valid, 'other'), { ok: false, error: 'key is not the request id' });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-21T15:00:00Z');
  it('reads delay-seconds and HTTP-dates', () => {
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('Sat, 21 Nov 2026 15:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Sat, 21 Nov 2026 14:00:00 GMT', now), 0);
  });
  it('ignores what is absent or unreadable', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});
