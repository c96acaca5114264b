/**
 * The token endpoint refused or failed. The message names the status and, for OAuth errors, the
 * `error` code from the body — never the request (it carries the client secret) nor a token.
 */
export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';

  constructor(
    message: string,
    /** HTTP status of the token endpoint's answer; undefined when none came (timeout). */
    readonly status: number | undefined,
    /** Worth retrying: a network error, a timeout, 408, 429 or a 5xx. Other 4xx are the caller's fault. */
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** undici's own timeouts and an aborted `AbortSignal.timeout()` both count as timeouts. */
export function isTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === 'TimeoutError' || (typeof code === 'string' && TIMEOUT_CODES.has(code));
}
