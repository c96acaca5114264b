import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Only asymmetric algorithms: a verifier that also accepted HS256 could be fooled into using the
 * public key as an HMAC secret (algorithm confusion). `none` is never accepted by jwtVerify. */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256'] as const;
export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

export interface TokenVerifierOptions {
  jwksUrl: URL;
  issuer: string;
  audience: string;
  algorithms?: readonly AllowedAlgorithm[];
  /** Seconds of clock skew tolerated for exp/nbf between us and the issuer. */
  clockToleranceSec?: number;
  /** Minimum time between two JWKS fetches triggered by an unknown `kid` (rate limit). */
  refetchCooldownMs?: number;
  /** How long a fetched key set is trusted before a verification refetches it anyway. */
  keySetMaxAgeMs?: number;
  /** Injected so tests (and replays) are deterministic. */
  now?: () => Date;
}

/** Why a token was refused; `keys_unavailable` is our fault (JWKS unreachable), not the caller's. */
export type VerificationFailure = 'invalid_token' | 'keys_unavailable';

export type VerificationResult =
  { ok: true; payload: JWTPayload } | { ok: false; reason: VerificationFailure; detail: string };

export type TokenVerifier = (token: string) => Promise<VerificationResult>;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  // jose caches the key set, picks the key by `kid` and refetches on an unknown `kid` at most once
  // per cooldown, so a flood of tokens with made-up kids cannot hammer the identity provider.
  const keys: JWTVerifyGetKey = createRemoteJWKSet(options.jwksUrl, {
    cooldownDuration: options.refetchCooldownMs ?? 30_000,
    cacheMaxAge: options.keySetMaxAgeMs ?? 10 * 60_000,
    timeoutDuration: 5_000,
  });
  const now = options.now ?? (() => new Date());

  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...(options.algorithms ?? ALLOWED_ALGORITHMS)],
        clockTolerance: options.clockToleranceSec ?? 30,
        currentDate: now(),
        // A token without expiry would be valid forever; refuse it.
        requiredClaims: ['exp', 'sub'],
      });
      return { ok: true, payload };
    } catch (error) {
      return { ok: false, ...describeFailure(error) };
    }
  };
}

function describeFailure(error: unknown): { reason: VerificationFailure; detail: string } {
  if (error instanceof errors.JWKSTimeout || isFetchFailure(error)) {
    return { reason: 'keys_unavailable', detail: 'The signing keys could not be fetched.' };
  }
  if (error instanceof errors.JWTExpired)
    return { reason: 'invalid_token', detail: 'The token has expired.' };
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { reason: 'invalid_token', detail: `The token's ${error.claim} claim is not acceptable.` };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return { reason: 'invalid_token', detail: 'The token is signed with an algorithm that is not allowed.' };
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return { reason: 'invalid_token', detail: 'No known key matches the token.' };
  }
  // Everything else (bad signature, malformed token) gets one vague answer: details help attackers.
  return { reason: 'invalid_token', detail: 'The token is not valid.' };
}

function isFetchFailure(error: unknown): boolean {
  // A refused connection surfaces as fetch's TypeError; a non-2xx JWKS answer as JOSEError ERR_JOSE_GENERIC.
  return (
    error instanceof TypeError || (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')
  );
}
