import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccessTokenError } from '@pkg/accesstoken';
import { eventually } from '@pkg/testkit';
import {
  createThreeDelivery,
  type DeliveryPolicy,
  type PauseReason,
} from '../../src/third-party/deliver-to-three.js';
import { countingTokens, scriptedThree } from './fakes.js';

const policy: DeliveryPolicy = {
  maxAttempts: 4,
  initialDelayMs: 1,
  maxDelayMs: 2,
  maxRetryAfterMs: 5,
  breaker: { consecutiveFailures: 100, halfOpenAfterMs: 1_000 },
};

const abortableWait = (ms: number, signal: AbortSignal | undefined) =>
  sleep(ms, undefined, signal ? { signal } : undefined);

/**
 * `tokenFailures` are thrown by the first getToken() calls. Waits are recorded and shortened to at
 * most 2 ms (so a breaker's half-open time still passes), unless a `wait` is given.
 */
function delivery(
  statuses: Parameters<typeof scriptedThree>[0],
  overrides: Partial<DeliveryPolicy> = {},
  tokenFailures: Error[] = [],
  wait?: (ms: number, signal: AbortSignal | undefined) => Promise<void>,
) {
  const three = scriptedThree(statuses);
  const tokens = countingTokens(tokenFailures);
  let retries = 0;
  const waits: number[] = [];
  const pauses: PauseReason[] = [];
  const subject = createThreeDelivery({
    three: three.client,
    tokens: tokens.tokens,
    policy: { ...policy, ...overrides },
    onRetry: () => (retries += 1),
    onPause: (reason) => pauses.push(reason),
    wait:
      wait ??
      ((ms, signal) => {
        waits.push(ms);
        return abortableWait(Math.min(ms, 2), signal);
      }),
  });
  return { subject, three, tokens, retries: () => retries, waits, pauses };
}

const body = { id: '42' };

describe('createThreeDelivery', () => {
  it('sends the body with the token and the request id as idempotency key', async () => {
    const { subject, three } = delivery([200]);
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 1, status: 200 });
    assert.deepEqual(three.calls, [{ body, accessToken: 'token-1', idempotencyKey: '42' }]);
  });

  it('retries 503s and delivers on the third attempt', async () => {
    const { subject, retries, waits } = delivery([503, 503, 200]);
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 3, status: 200 });
    assert.equal(retries(), 2);
    assert.equal(waits.length, 2, 'a backoff before each retry');
  });

  it('retries 408, 429 and timeouts, waiting the backoff or the Retry-After between calls', async () => {
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    const { subject, waits } = delivery([408, { status: 429, retryAfterMs: 3 }, timeout, 200]);
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 4, status: 200 });
    assert.equal(waits.length, 3);
    assert.equal(waits[1], 3, 'the Retry-After, not the backoff');
    for (const backoff of [waits[0]!, waits[2]!]) assert.ok(backoff >= 0 && backoff <= policy.maxDelayMs);
  });

  it('cuts a long Retry-After to maxRetryAfterMs', async () => {
    const { subject, waits } = delivery([{ status: 503, retryAfterMs: 60_000 }, 200]);
    assert.equal((await subject.deliver(body, '42')).delivered, true);
    assert.deepEqual(waits, [policy.maxRetryAfterMs]);
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
    const { subject, three, pauses } = delivery([500], {
      maxAttempts: 2,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    });
    // Two 500s open the breaker; the second spends no attempt, so '1' then waits too: abort it.
    const opener = new AbortController();
    const first = subject.deliver(body, '1', opener.signal);
    await eventually(() => three.calls.length === 2 || undefined, { timeoutMs: 5_000, intervalMs: 5 });
    opener.abort();
    await assert.rejects(first, { name: 'AbortError' });
    const callsBefore = three.calls.length;
    const controller = new AbortController();
    const third = subject.deliver(body, '3', controller.signal);
    await eventually(() => pauses.length >= 3 || undefined, { timeoutMs: 5_000, intervalMs: 5 });
    controller.abort();
    await assert.rejects(third, { name: 'AbortError' });
    assert.equal(three.calls.length, callsBefore, 'no call while the circuit is open');
    assert.ok(pauses.every((reason) => reason === 'circuit-open'));
  });

  it('does not count a rejection by the open breaker as an attempt: the message waits and is delivered', async () => {
    const { subject, three, pauses } = delivery([500, 500, 500, 200], {
      maxAttempts: 2,
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 30 },
    });
    assert.equal((await subject.deliver(body, '1')).delivered, false); // calls 1 and 2
    // Call 3 fails and opens the breaker; the retry waits for it instead of spending attempt 2 on it.
    assert.deepEqual(await subject.deliver(body, '2'), { delivered: true, attempts: 2, status: 200 });
    assert.equal(three.calls.length, 4);
    assert.ok(pauses.includes('circuit-open'));
  });

  it('waits out an unreachable token server without spending attempts, then delivers', async () => {
    const unreachable = new AccessTokenError('token endpoint unreachable (ECONNREFUSED)', undefined, true);
    const { subject, three, pauses } = delivery([200], { maxAttempts: 2 }, [
      unreachable,
      unreachable,
      unreachable,
    ]);
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 1, status: 200 });
    assert.equal(three.calls.length, 1);
    assert.deepEqual(pauses, ['token-unavailable', 'token-unavailable', 'token-unavailable']);
  });

  it('gives up at once, without a call, when the token server refuses the client', async () => {
    const refused = new AccessTokenError('token endpoint answered 401 (invalid_client)', 401, false);
    const { subject, three } = delivery([200], {}, [refused]);
    const result = await subject.deliver(body, '42');
    assert.equal(!result.delivered && result.reason, 'permanent-error');
    assert.equal(!result.delivered && result.error, 'token endpoint answered 401 (invalid_client)');
    assert.equal(three.calls.length, 0);
  });

  it('abandons (rejects) when the signal aborts during a backoff, without another call', async () => {
    const { subject, three } = delivery(
      [503],
      { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      [],
      abortableWait,
    );
    const controller = new AbortController();
    const pending = subject.deliver(body, '42', controller.signal);
    await eventually(() => three.calls.length === 1 || undefined, { timeoutMs: 5_000, intervalMs: 5 });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(three.calls.length, 1);
  });

  it('makes no call once the signal has aborted, even when the token arrives after it', async () => {
    let release!: (token: string) => void;
    const three = scriptedThree([200]);
    const subject = createThreeDelivery({
      three: three.client,
      tokens: { getToken: () => new Promise((resolve) => (release = resolve)), invalidate: () => {} },
      policy,
    });
    const controller = new AbortController();
    const pending = subject.deliver(body, '42', controller.signal);
    controller.abort();
    release('token-1');
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal(three.calls.length, 0);
  });

  it('returns the outcome of a call that was in flight when the signal aborted', async () => {
    const controller = new AbortController();
    const three = scriptedThree([200]);
    const subject = createThreeDelivery({
      three: {
        ...three.client,
        post: async (call) => {
          controller.abort(); // SIGTERM while the call is on the wire
          return three.client.post(call);
        },
      },
      tokens: countingTokens().tokens,
      policy,
    });
    assert.deepEqual(await subject.deliver(body, '42', controller.signal), {
      delivered: true,
      attempts: 1,
      status: 200,
    });
  });

  it('does not count a failure that opened the breaker, or a failed half-open probe, as an attempt', async () => {
    const { subject, three } = delivery([500, 500, 500, 200], {
      maxAttempts: 2,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 30 },
    });
    // Call 1 fails (counted), call 2 opens the breaker, call 3 is a failed probe: neither counted.
    assert.deepEqual(await subject.deliver(body, '42'), { delivered: true, attempts: 4, status: 200 });
    assert.equal(three.calls.length, 4);
  });
});
