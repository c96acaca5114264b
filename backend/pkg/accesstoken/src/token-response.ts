import { AccessTokenError } from './errors.js';

export interface IssuedToken {
  accessToken: string;
  /** Lifetime in milliseconds as the server stated it. */
  lifetimeMs: number;
}

/**
 * Reads an RFC 6749 §5.1 answer. `expires_in` arrives as a number from most servers and as a
 * numeric string from some, so both are accepted; anything else is refused rather than guessed.
 */
export function parseTokenResponse(body: unknown): IssuedToken {
  if (typeof body !== 'object' || body === null) {
    throw new AccessTokenError('token endpoint answered without a JSON object', 200, false);
  }
  const { access_token: accessToken, expires_in: expiresIn } = body as Record<string, unknown>;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new AccessTokenError('token endpoint answered without access_token', 200, false);
  }
  const seconds = typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : expiresIn;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new AccessTokenError('token endpoint answered without a positive numeric expires_in', 200, false);
  }
  return { accessToken, lifetimeMs: seconds * 1000 };
}

/** The OAuth `error` code of a refusal (e.g. invalid_client), safe to show; nothing else of the body is. */
export function oauthErrorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' && /^[\w.-]{1,64}$/.test(parsed.error) ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}
