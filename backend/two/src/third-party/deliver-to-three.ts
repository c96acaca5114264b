import { setTimeout as sleep } from 'node:timers/promises';
import { type AccessTokenClient, AccessTokenError, isTimeout } from '@pkg/accesstoken';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { isRetryableStatus, ThreeRejected } from './delivery-errors.js';
import type { ThreeAnswer, ThreeClient } from './three-client.js';

export interface DeliveryPolicy {
  /**
   * Failed calls to /three per message before it is dead-lettered. Only calls that were made count,
   * and not those that failed as part of an outage (opening the breaker, a failed half-open probe).
   */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is cut short, so one message cannot stall its partition for long. */
  maxRetryAfterMs: number;
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
}

export type DeliveryResult =
  | { delivered: true; attempts: number; status: number }
  | {
      delivered: false;
      reason: 'permanent-error' | 'attempts-exhausted';
      attempts: number;
      status: number | null;
      error: string;
    };

export interface ThreeDelivery {
  /**
   * POSTs `body` until delivered or given up. Rejects only when `signal` aborts (shutdown, lost
   * partition), and then only between calls: a call in flight is awaited and its outcome returned.
   */
  deliver(body: unknown, requestId: string, signal?: AbortSignal): Promise<DeliveryResult>;
}

/** Why a delivery waits without spending an attempt. */
export type PauseReason = 'circuit-open' | 'token-unavailable';

export interface ThreeDeliveryOptions {
  three: ThreeClient;
  tokens: AccessTokenClient;
  policy: DeliveryPolicy;
  onRetry?: () => void;
  /**
   * A delivery waits for an outage to pass (an open breaker, an unreachable token server); `error`
   * is the secret-free description of what failed.
   */
  onPause?: (reason: PauseReason, error: string) => void;
  /** Every wait goes through this; tests inject one that records the delays. */
  wait?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

/** Abortable: a SIGTERM during a 30 s Retry-After must not hold the stop for 30 s. */
const abortableWait = (ms: number, signal: AbortSignal | undefined) =>
  sleep(ms, undefined, signal ? { signal } : undefined);

/**
 * The resilience around POST /three: retries with capped exponential backoff and jitter (or
 * the server's Retry-After), and one circuit breaker (cockatiel) shared by every message, so a
 * third party that is down gets a rest instead of every message's retries.
 *
 * Only a call that was made counts as an attempt. A delivery the open breaker refuses, or one whose
 * token cannot be had because the auth server is briefly unreachable, waits and tries again without
 * spending an attempt: an outage holds the partition (its lag grows) instead of dead-lettering it.
 */
export function createThreeDelivery({
  three,
  tokens,
  policy,
  onRetry,
  onPause,
  wait = abortableWait,
}: ThreeDeliveryOptions): ThreeDelivery {
  const breaker = circuitBreaker(
    handleWhen((error) => !isAbort(error)),
    {
      halfOpenAfter: policy.breaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(policy.breaker.consecutiveFailures),
    },
  );
  /**
   * Capped exponential delays with equal jitter (half of each step fixed, half random), one sequence
   * per delivery and kind of wait. Full jitter can draw near-zero delays: a message could then spend
   * all its attempts within a second of an outage starting, before enough failures open the breaker.
   */
  const backoff = () => {
    let step = 0;
    return () => {
      const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** step);
      step += 1;
      return ceiling / 2 + (Math.random() * ceiling) / 2;
    };
  };
  // While the breaker is open, look again often enough to be among the first after it half-opens,
  // never in a tight loop.
  const breakerPollMs = Math.max(50, Math.min(policy.breaker.halfOpenAfterMs / 4, policy.maxDelayMs));

  /** One real call, through the breaker: only outages (408/429/5xx, timeouts, network) count against the third party. */
  const post = (body: unknown, requestId: string, accessToken: string, signal: AbortSignal | undefined) =>
    breaker.execute(async (): Promise<ThreeAnswer> => {
      signal?.throwIfAborted(); // the breaker may have held us while a half-open test ran
      const answer = await three.post({ body, accessToken, idempotencyKey: requestId });
      if (isRetryableStatus(answer.status)) throw new ThreeRejected(answer.status, true, answer.retryAfterMs);
      return answer;
    }, signal);

  return {
    async deliver(body, requestId, signal) {
      let attempts = 0; // calls made, reported and stored
      let counted = 0; // calls that failed while the third party was considered up: toward giving up
      let lastStatus: number | null = null;
      let tokenRefreshed = false;
      const retryDelay = backoff();
      const outageDelay = backoff();
      const paused = async (reason: PauseReason, ms: number, error: string) => {
        onPause?.(reason, error);
        await wait(ms, signal);
      };
      const gaveUp = (reason: 'permanent-error' | 'attempts-exhausted', error: unknown): DeliveryResult => ({
        delivered: false,
        reason,
        attempts,
        status: lastStatus,
        error: describe(error),
      });

      for (;;) {
        signal?.throwIfAborted();
        let token: string;
        try {
          token = await untilAborted(tokens.getToken(), signal);
        } catch (error) {
          signal?.throwIfAborted();
          if (error instanceof AccessTokenError && error.retryable) {
            await paused('token-unavailable', outageDelay(), describe(error));
            continue;
          }
          return gaveUp('permanent-error', error); // e.g. invalid_client: no call can succeed
        }
        signal?.throwIfAborted();
        let answer: ThreeAnswer;
        try {
          attempts += 1;
          answer = await post(body, requestId, token, signal);
        } catch (error) {
          if (error instanceof BrokenCircuitError || isAbort(error)) {
            attempts -= 1; // refused or abandoned before any call: not an attempt
            signal?.throwIfAborted();
            await paused('circuit-open', breakerPollMs, 'the circuit breaker is open');
            continue;
          }
          if (error instanceof ThreeRejected) lastStatus = error.status;
          // A failure that opened the breaker, or a half-open probe that kept it open, is the
          // outage's, not this message's: it spends no attempt (the message then waits for the
          // breaker). Otherwise a held partition's few messages could spend all their attempts before
          // enough failures in a row open the breaker.
          if (breaker.state === CircuitState.Closed) counted += 1;
          if (counted >= policy.maxAttempts) return gaveUp('attempts-exhausted', error);
          const retryAfter = error instanceof ThreeRejected ? error.retryAfterMs : undefined;
          const delay =
            retryAfter === undefined ? retryDelay() : Math.min(retryAfter, policy.maxRetryAfterMs);
          signal?.throwIfAborted();
          onRetry?.();
          await wait(delay, signal);
          continue;
        }
        lastStatus = answer.status;
        if (answer.status >= 200 && answer.status < 300)
          return { delivered: true, attempts, status: answer.status };
        if (answer.status === 401 && !tokenRefreshed) {
          // The token was revoked or expired early: one fresh token, one more call.
          tokenRefreshed = true;
          tokens.invalidate(token);
          continue;
        }
        return gaveUp('permanent-error', new ThreeRejected(answer.status, false, undefined));
      }
    },
  };
}

/** The caller stops waiting on abort; a shared token fetch goes on for the others. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TaskCancelledError');
}

/** A short, secret-free description for the delivery row and the dead letter's headers. */
function describe(error: unknown): string {
  if (error instanceof ThreeRejected || error instanceof AccessTokenError) return error.message;
  if (isTimeout(error)) return 'third party timed out';
  const code = (error as { code?: unknown }).code;
  return `third party unreachable (${typeof code === 'string' ? code : (error as Error).name})`;
}
