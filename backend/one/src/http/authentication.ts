// `auth.mode: jwt`: every /one request carries a bearer token from the configured issuer (README
// "API protection"). The verifier (@pkg/auth, jose underneath) checks signature, algorithm, iss,
// aud, exp and nbf against the identity provider's cached JWKS; this middleware turns its verdict
// into RFC 6750 answers: 401 + WWW-Authenticate for the caller's mistakes, 503 when the keys cannot
// be fetched (the token may be fine; a 401 would make clients throw it away).
import type { NextFunction, Request, Response } from 'express';
import type { TokenVerifier } from '@pkg/auth';
import { ProblemTypes, sendProblem } from './problem.js';

/** Who is calling, once the token is verified. */
export interface Principal {
  subject: string;
  /** The token grants `auth.readAnyScope`: GET /one/:id of any user's request. */
  readsAny: boolean;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Locals {
      /** Set in `jwt` mode only; undefined in `none` mode (no caller identity). */
      principal?: Principal;
    }
  }
}

export interface AuthenticationOptions {
  verify: TokenVerifier;
  readAnyScope?: string | undefined;
}

/** RFC 6750 §3: a request without credentials gets the challenge without an error code. */
const CHALLENGE = 'Bearer realm="one"';
const BEARER_PREFIX = /^Bearer +/i;
/** Three base64url segments; anything else is refused before any cryptography. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function authenticate({ verify, readAnyScope }: AuthenticationOptions) {
  let lastLogged = -Infinity;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    if (header === undefined || !BEARER_PREFIX.test(header)) {
      res.setHeader('WWW-Authenticate', CHALLENGE);
      sendProblem(res, ProblemTypes.unauthorized, 'A bearer token is required.');
      return;
    }
    const token = header.replace(BEARER_PREFIX, '');
    const result = COMPACT_JWS.test(token)
      ? await verify(token)
      : ({ ok: false, reason: 'invalid_token', detail: 'The token is not valid.' } as const);
    if (result.ok) {
      res.locals.principal = {
        // the verifier requires `sub`
        subject: result.payload.sub!,
        readsAny: readAnyScope !== undefined && grants(result.payload, readAnyScope),
      };
      next();
      return;
    }
    if (result.reason === 'keys_unavailable') {
      // Every request fails alike during an identity provider outage: one line a minute says enough.
      if (performance.now() - lastLogged >= 60_000) {
        lastLogged = performance.now();
        res.locals.logger.warn('JWKS unavailable; answering 503 until it answers', { detail: result.detail });
      }
      res.setHeader('Retry-After', '5');
      sendProblem(res, ProblemTypes.unavailable, 'The token cannot be checked right now; retry shortly.');
      return;
    }
    // Our own fixed texts only (never the token or a claim value), so they are safe in the header.
    res.setHeader(
      'WWW-Authenticate',
      `${CHALLENGE}, error="invalid_token", error_description="${result.detail}"`,
    );
    sendProblem(res, ProblemTypes.unauthorized, result.detail);
  };
}

/** OAuth `scope` is a space-separated string, `roles` usually an array; anything else grants nothing. */
function grants(payload: Record<string, unknown>, value: string): boolean {
  const { scope, roles } = payload;
  if (typeof scope === 'string' && scope.split(' ').includes(value)) return true;
  return Array.isArray(roles) && roles.includes(value);
}
