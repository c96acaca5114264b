import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createThreeDelivery, type DeliveryPolicy } from '../../src/third-party/deliver-to-three.js';
import { countingTokens, scriptedThree } from './fakes.js';

const policy: DeliveryPolicy = {
  maxAttempts: 4,
  initialDelayMs: 1,
  maxDelayMs: 2,
  maxRetryAfterMs: 5,
  breaker: { consecutiveFailures: 100, halfOpenAfterMs: 1_000 },
};

function delivery(statuses: Parameters<typeof scriptedThree>[0], overrides: Partial<DeliveryPolicy> = {}) {
  const three = scriptedThree(statuses);
  const tokens = countingTokens();
  let retries = 0;
  const subject = createThreeDelivery({
    three: three.client,
    tokens: tokens.tokens,
    policy: { ...policy, ...overrides },
    onRetry: () => (retries += 1),
  });
  return { subject, three, tokens, retries: () => retries };
}

const body = { id: '42' };

describe('createThreeDelivery', () => {
  it('sends the body with the token and the request id as idempotency key', async () => {
    const { subject, three } = delivery([200]);
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 1, status: 200 });
    assert.deepEqual(three.calls, [{ body, accessToken: 'token-1', idempotencyKey: '42' }]);
  });

  it('retries 503s and delivers on the third attempt', async () => {
    const { subject, retries } = delivery([503, 503, 200]);
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 3, status: 200 });
    assert.equal(retries(), 2);
  });

  it('retries 408, 429 (with Retry-After) and timeouts', async () => {
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    const { subject } = delivery([408, { status: 429, retryAfterMs: 3 }, timeout, 200]);
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 4, status: 200 });
  });

  it('gives up after the maximum attempts with the last status and error', async () => {
    const { subject, three } = delivery([500]);
    assert.deepEqual(await subject.deliver(body, '42'), {
      delivered: false,
      reason: 'attempts-exhausted',
      attempts: 4,
      status: 500,
      error: 'third party answered 500',
    });
    assert.equal(three.calls.length, 4);
  });

  it('treats other 4xx as permanent: one call, no retry', async () => {
    const { subject, three, retries } = delivery([400]);
    const result = await subject.deliver(body, '42');
    assert.equal(result.delivered, false);
    assert.equal(!result.delivered && result.reason, 'permanent-error');
    assert.equal(three.calls.length, 1);
    assert.equal(retries(), 0);
  });

  it('on a 401 invalidates that token and retries once with a fresh one', async () => {
    const { subject, three, tokens } = delivery([401, 200]);
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 2, status: 200 });
    assert.deepEqual(tokens.invalidated, ['token-1']);
    assert.deepEqual(
      three.calls.map((call) => call.accessToken),
      ['token-1', 'token-2'],
    );
  });

  it('does not keep refreshing when the fresh token is rejected too', async () => {
    const { subject, three } = delivery([401]);
    const result = await subject.deliver(body, '42');
    assert.equal(!result.delivered && result.reason, 'permanent-error');
    assert.equal(three.calls.length, 2);
  });

  it('opens the circuit after consecutive outages, so later messages stop reaching the third party', async () => {
    const { subject, three } = delivery([500], {
      maxAttempts: 2,
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 60_000 },
    });
    await subject.deliver(body, '1');
    await subject.deliver(body, '2');
    const callsBefore = three.calls.length;
    const result = await subject.deliver(body, '3');
    assert.equal(three.calls.length, callsBefore);
    assert.equal(!result.delivered && result.error, 'circuit open: third party considered down');
  });

  it('abandons (rejects) when the signal aborts, so nothing is recorded for the message', async () => {
    const { subject } = delivery([503], { initialDelayMs: 10_000, maxDelayMs: 10_000 });
    const controller = new AbortController();
    const pending = subject.deliver(body, '42', controller.signal);
    setImmediate(() => controller.abort());
    await assert.rejects(pending);
  });
});
