import { Pool, request, type Dispatcher } from 'undici';
import { parseRetryAfter } from './retry-after.js';

export interface ThreeAnswer {
  status: number;
  /** From `Retry-After`, when the third party sent one. */
  retryAfterMs: number | undefined;
}

export interface ThreeCall {
  body: unknown;
  accessToken: string;
  idempotencyKey: string;
}

export interface ThreeClient {
  /** One POST /three; resolves with any HTTP answer, rejects on network errors and timeouts. */
  post(call: ThreeCall): Promise<ThreeAnswer>;
  close(): Promise<void>;
}

export interface ThreeClientOptions {
  /** Base URL; the client posts to `{url}/three`. */
  url: string;
  timeoutMs: number;
  /** Keep-alive connections in the pool. */
  connections: number;
  clock?: () => number;
  /** Tests pass undici's MockAgent. */
  dispatcher?: Dispatcher;
}

export function createThreeClient(options: ThreeClientOptions): ThreeClient {
  const base = new URL(options.url);
  const path = `${base.pathname.replace(/\/+$/, '')}/three`;
  // Connecting is bounded like waiting for the answer (undici's default is 10 s): together they are
  // the longest a stop waits for a call in flight.
  const dispatcher =
    options.dispatcher ??
    new Pool(base.origin, { connections: options.connections, connect: { timeout: options.timeoutMs } });
  const clock = options.clock ?? Date.now;
  return {
    async post({ body, accessToken, idempotencyKey }) {
      const response = await request(new URL(path, base.origin), {
        method: 'POST',
        dispatcher,
        headers: {
          authorization: `Bearer ${accessToken}`,
          'idempotency-key': idempotencyKey,
          'content-type': 'application/json',
          language: 'en',
        },
        body: JSON.stringify(body),
        // undici's own timers (coarse, shared) rather than an AbortSignal per call: cheaper at
        // thousands of calls per second. The call is bounded by headers + body timeouts.
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      // The body is not needed, but must be consumed for the connection to go back to the pool.
      await response.body.dump();
      return {
        status: response.statusCode,
        retryAfterMs: parseRetryAfter(response.headers['retry-after'], clock()),
      };
    },
    close: () => (options.dispatcher ? Promise.resolve() : dispatcher.close()),
  };
}
