import { type AccessTokenClient, AccessTokenError, isTimeout } from '@pkg/accesstoken';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  retry,
  type IRetryBackoffContext,
} from 'cockatiel';
import { isRetryableStatus, ThreeRejected } from './delivery-errors.js';
import type { ThreeAnswer, ThreeClient } from './three-client.js';

export interface DeliveryPolicy {
  /** Calls to /three per message, the first included. */
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
  /** POSTs `body` until delivered or given up; rejects only when `signal` aborts (shutdown). */
  deliver(body: unknown, requestId: string, signal?: AbortSignal): Promise<DeliveryResult>;
}

export interface ThreeDeliveryOptions {
  three: ThreeClient;
  tokens: AccessTokenClient;
  policy: DeliveryPolicy;
  onRetry?: () => void;
}

/**
 * The resilience around POST /three, all from cockatiel: retries with capped exponential backoff
 * and full jitter (or the server's Retry-After), and one circuit breaker shared by every message,
 * so a third party that is down gets a rest instead of every message's retries.
 */
export function createThreeDelivery({ three, tokens, policy, onRetry }: ThreeDeliveryOptions): ThreeDelivery {
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof ThreeRejected || !(error instanceof AccessTokenError)),
    {
      halfOpenAfter: policy.breaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(policy.breaker.consecutiveFailures),
    },
  );
  const exponential = {
    generator: fullJitterGenerator,
    initialDelay: policy.initialDelayMs,
    maxDelay: policy.maxDelayMs,
    exponent: 2,
  };
  const retries = retry(handleWhen(isRetryable), {
    maxAttempts: Math.max(0, policy.maxAttempts - 1), // cockatiel counts retries
    backoff: new DelegateBackoff<IRetryBackoffContext<unknown>, number>((context, state) => {
      const [jittered, next] = fullJitterGenerator(state, exponential);
      const error = 'error' in context.result ? context.result.error : undefined;
      const retryAfter = error instanceof ThreeRejected ? error.retryAfterMs : undefined;
      return {
        delay: retryAfter === undefined ? jittered : Math.min(retryAfter, policy.maxRetryAfterMs),
        state: next,
      };
    }),
  });
  if (onRetry) retries.onRetry(onRetry);

  /** Through the breaker: only outages (408/429/5xx, timeouts, network) count against the third party. */
  const post = (body: unknown, requestId: string, accessToken: string): Promise<ThreeAnswer> =>
    breaker.execute(async () => {
      const answer = await three.post({ body, accessToken, idempotencyKey: requestId });
      if (isRetryableStatus(answer.status)) throw new ThreeRejected(answer.status, true, answer.retryAfterMs);
      return answer;
    });

  return {
    async deliver(body, requestId, signal) {
      let attempts = 0;
      let lastStatus: number | null = null;
      let tokenRefreshed = false;
      const attempt = async (): Promise<ThreeAnswer> => {
        let token = await tokens.getToken();
        attempts += 1;
        let answer = await post(body, requestId, token).catch(rememberStatus);
        if (answer.status === 401 && !tokenRefreshed) {
          // The token was revoked or expired early: one fresh token, one more call.
          tokenRefreshed = true;
          tokens.invalidate(token);
          token = await tokens.getToken();
          attempts += 1;
          answer = await post(body, requestId, token).catch(rememberStatus);
        }
        lastStatus = answer.status;
        if (answer.status >= 200 && answer.status < 300) return answer;
        throw new ThreeRejected(answer.status, false, undefined);
      };
      const rememberStatus = (error: unknown): never => {
        if (error instanceof ThreeRejected) lastStatus = error.status;
        throw error;
      };

      try {
        const answer = await retries.execute(attempt, signal);
        return { delivered: true, attempts, status: answer.status };
      } catch (error) {
        if (signal?.aborted) throw error;
        return {
          delivered: false,
          reason: isRetryable(error) ? 'attempts-exhausted' : 'permanent-error',
          attempts,
          status: lastStatus,
          error: describe(error),
        };
      }
    },
  };
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ThreeRejected || error instanceof AccessTokenError) return error.retryable;
  return true; // timeouts, network errors, an open circuit
}

/** A short, secret-free description for the delivery row and the dead letter's headers. */
function describe(error: unknown): string {
  if (error instanceof ThreeRejected || error instanceof AccessTokenError) return error.message;
  if (error instanceof BrokenCircuitError) return 'circuit open: third party considered down';
  if (isTimeout(error)) return 'third party timed out';
  const code = (error as { code?: unknown }).code;
  return `third party unreachable (${typeof code === 'string' ? code : (error as Error).name})`;
}
