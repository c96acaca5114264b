// Bearer token verification against an identity provider's JWKS, with jose underneath.
//
// One implementation, two places: backend/pkg/auth/src/verifier.ts is the source (service one
// uses it); reference/jwt-jwks/src/verifier.ts is a byte-identical copy so the snippet still stands
// alone when copied out of the repository. backend/pkg/auth/test/unit/snippet-copy.test.ts fails
// when the two differ: edit the pkg file, then `cp backend/pkg/auth/src/verifier.ts
// reference/jwt-jwks/src/verifier.ts`.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';

/**
 * Only asymmetric algorithms can be allowed: a verifier that also accepted HS256 could be fooled
 * into using the public key as an HMAC secret (algorithm confusion). `none` is never accepted by
 * jwtVerify.
 */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
export type AllowedAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
/** What most identity providers sign with; keep only what yours uses. */
export const ALLOWED_ALGORITHMS: readonly AllowedAlgorithm[] = ['RS256', 'ES256'];

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
  /** Bound of one JWKS fetch; past it the verification fails as `keys_unavailable`. */
  fetchTimeoutMs?: number;
  /** Injected so tests (and replays) are deterministic. */
  now?: () => Date;
}

/** Why a token was refused; `keys_unavailable` is our fault (JWKS unreachable), not the caller's. */
export type VerificationFailure = 'invalid_token' | 'keys_unavailable';

export type VerificationResult =
  { ok: true; payload: JWTPayload } | { ok: false; reason: VerificationFailure; detail: string };

export type TokenVerifier = (token: string) => Promise<VerificationResult>;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const algorithms = options.algorithms ?? ALLOWED_ALGORITHMS;
  const symmetric = algorithms.filter((alg) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg));
  if (symmetric.length > 0) throw new Error(`not an asymmetric JWS algorithm: ${symmetric.join(', ')}`);
  // jose caches the key set, picks the key by `kid` and refetches on an unknown `kid` at most once
  // per cooldown, so a flood of tokens with made-up kids cannot hammer the identity provider.
  const keys = createRemoteJWKSet(options.jwksUrl, {
    cooldownDuration: options.refetchCooldownMs ?? 30_000,
    cacheMaxAge: options.keySetMaxAgeMs ?? 10 * 60_000,
    timeoutDuration: options.fetchTimeoutMs ?? 5_000,
  });
  // Built once: the verification of every request reads the same options.
  const verifyOptions: JWTVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: [...algorithms],
    clockTolerance: options.clockToleranceSec ?? 30,
    // A token without expiry would be valid forever; one without subject names nobody.
    requiredClaims: ['exp', 'sub'],
  };
  const now = options.now;

  return async (token) => {
    try {
      const { payload } = await jwtVerify(
        token,
        keys,
        now === undefined ? verifyOptions : { ...verifyOptions, currentDate: now() },
      );
      return { ok: true, payload };
    } catch (error) {
      return { ok: false, ...describeFailure(error) };
    }
  };
}

function describeFailure(error: unknown): { reason: VerificationFailure; detail: string } {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || isFetchFailure(error)) {
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
