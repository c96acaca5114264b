import { ExponentialBackoff, fullJitterGenerator, handleWhen, retry } from 'cockatiel';
import type { Dispatcher } from 'undici';
import { AccessTokenError } from './errors.js';
import { requestToken } from './request-token.js';

export interface AccessTokenClientOptions {
  /** Base URL of the auth server; `POST {tokenUrl}/v2/oauth/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /**
   * A cached token is replaced once it has less than this left (default 30 s), but never earlier
   * than half its lifetime: a short-lived token is still reused for half of it.
   */
  refreshAheadMs?: number;
  /** Bound for one token request (default 5 s). */
  timeoutMs?: number;
  retry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /** Milliseconds since the epoch; injected so tests control expiry. */
  clock?: () => number;
  dispatcher?: Dispatcher;
  /** Called once per token request (not per retry), for metrics. Never receives the token. */
  onFetch?: (event: { outcome: 'success' | 'failure'; durationMs: number }) => void;
}

export interface AccessTokenClient {
  /** A valid access token: the cached one, or one fetched now (shared by all concurrent callers). */
  getToken(): Promise<string>;
  /**
   * Forgets the cached token, e.g. after a 401. Pass the rejected token so that a 401 for an old
   * token does not throw away a newer one another caller already fetched.
   */
  invalidate(rejectedToken?: string): void;
}

interface CachedToken {
  value: string;
  expiresAt: number;
  /** From here on a caller triggers a refresh (and still gets this token if the refresh fails). */
  refreshAt: number;
}

/**
 * The refresh margin is at most this fraction of a token's lifetime. Without it, a lifetime at or
 * below the margin (expires_in 30 with a 30 s margin) made every call fetch a new token.
 */
const MAX_MARGIN_FRACTION = 0.5;

/**
 * OAuth2 client-credentials tokens with a single-flight cache: N concurrent callers cause one
 * request. A token is refreshed once it is within `refreshAheadMs` of expiry, so callers never
 * send one that expires in flight; if that refresh fails, the old token is used while it lasts.
 */
export function createAccessTokenClient(options: AccessTokenClientOptions): AccessTokenClient {
  const clock = options.clock ?? Date.now;
  const refreshAheadMs = options.refreshAheadMs ?? 30_000;
  const policy = tokenRetryPolicy(options.retry);
  // The secret lives only in this closure: logging the client object shows nothing of it.
  const { clientSecret } = options;
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  const fetchToken = async (): Promise<CachedToken> => {
    const started = clock();
    try {
      const issued = await policy.execute(() =>
        requestToken({
          tokenUrl: options.tokenUrl,
          clientId: options.clientId,
          clientSecret,
          timeoutMs: options.timeoutMs ?? 5_000,
          ...(options.scope ? { scope: options.scope } : {}),
          ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        }),
      );
      options.onFetch?.({ outcome: 'success', durationMs: clock() - started });
      const expiresAt = started + issued.lifetimeMs;
      const margin = Math.min(refreshAheadMs, issued.lifetimeMs * MAX_MARGIN_FRACTION);
      return { value: issued.accessToken, expiresAt, refreshAt: expiresAt - margin };
    } catch (error) {
      options.onFetch?.({ outcome: 'failure', durationMs: clock() - started });
      throw error;
    }
  };

  const refresh = (): Promise<CachedToken> => {
    inFlight ??= fetchToken()
      .then((token) => {
        cached = token;
        return token;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    async getToken() {
      const now = clock();
      if (cached && now < cached.refreshAt) return cached.value;
      const stillValid = cached && now < cached.expiresAt ? cached : undefined;
      try {
        return (await refresh()).value;
      } catch (error) {
        if (stillValid && clock() < stillValid.expiresAt) return stillValid.value;
        throw error;
      }
    },
    invalidate(rejectedToken) {
      if (rejectedToken === undefined || cached?.value === rejectedToken) cached = undefined;
    },
  };
}

/** Retries transient failures (network, timeouts, 408, 429, 5xx) with capped exponential backoff and full jitter; other 4xx fail at once. */
function tokenRetryPolicy(config: AccessTokenClientOptions['retry'] = {}) {
  return retry(
    handleWhen((error) => error instanceof AccessTokenError && error.retryable),
    {
      // cockatiel counts retries, not attempts.
      maxAttempts: Math.max(0, (config.maxAttempts ?? 3) - 1),
      backoff: new ExponentialBackoff({
        generator: fullJitterGenerator,
        initialDelay: config.initialDelayMs ?? 200,
        maxDelay: config.maxDelayMs ?? 5_000,
      }),
    },
  );
}
