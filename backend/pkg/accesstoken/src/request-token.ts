import { request, type Dispatcher } from 'undici';
import { AccessTokenError, isTimeout } from './errors.js';
import { oauthErrorCode, parseTokenResponse, type IssuedToken } from './token-response.js';

export interface TokenRequest {
  /** Base URL of the auth server; the path `/v2/oauth/token` is appended. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  timeoutMs: number;
  dispatcher?: Dispatcher;
}

export const TOKEN_PATH = '/v2/oauth/token';

/** One client-credentials request (RFC 6749 §4.4), no retries: those belong to the caller's policy. */
export async function requestToken(options: TokenRequest): Promise<IssuedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (options.scope) form.set('scope', options.scope);
  let response: Dispatcher.ResponseData;
  try {
    response = await request(`${options.tokenUrl.replace(/\/+$/, '')}${TOKEN_PATH}`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(options.clientId, options.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
  } catch (error) {
    // The cause is dropped on purpose: undici errors can carry the request options (and the header).
    if (isTimeout(error)) throw new AccessTokenError('token endpoint timed out', undefined, true);
    // Refused, reset or not resolvable: an auth server restarting, a keep-alive connection closed
    // under us. Worth another try, like a 5xx; the caller waits rather than giving up on its work.
    const code = (error as { code?: unknown }).code;
    throw new AccessTokenError(
      `token endpoint unreachable (${typeof code === 'string' ? code : 'network error'})`,
      undefined,
      true,
    );
  }
  const { statusCode } = response;
  if (statusCode >= 200 && statusCode < 300) {
    return parseTokenResponse(await response.body.json().catch(() => undefined));
  }
  const code = oauthErrorCode(await response.body.text().catch(() => ''));
  throw new AccessTokenError(
    `token endpoint answered ${statusCode}${code ? ` (${code})` : ''}`,
    statusCode,
    isTransientStatus(statusCode),
  );
}

/** 408 and 429 say "not now", 5xx "not me": the same request may succeed later. Other 4xx will not. */
export const isTransientStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
