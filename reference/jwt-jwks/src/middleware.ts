import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendProblem } from './problem.js';
import { type Principal, type RoleMapping, toPrincipal } from './roles.js';
import type { TokenVerifier } from './verifier.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types are extended this way
  namespace Express {
    interface Locals {
      principal?: Principal;
    }
  }
}

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/;

/** Refuses the request with 401 unless it carries a valid bearer token; sets `res.locals.principal`. */
export function authenticate(verify: TokenVerifier, roleMapping?: RoleMapping): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (match?.[1] === undefined) {
      res.set('WWW-Authenticate', 'Bearer');
      return sendProblem(res, {
        status: 401,
        title: 'Unauthorized',
        detail: 'A bearer token is required.',
      });
    }
    const result = await verify(match[1]);
    if (!result.ok) {
      if (result.reason === 'keys_unavailable') {
        // Not the caller's fault: a 401 would make clients throw away a good token.
        res.set('Retry-After', '5');
        return sendProblem(res, { status: 503, title: 'Service Unavailable', detail: result.detail });
      }
      res.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${result.detail}"`);
      return sendProblem(res, { status: 401, title: 'Unauthorized', detail: result.detail });
    }
    res.locals.principal = toPrincipal(result.payload, roleMapping);
    next();
  };
}

/** Must run after `authenticate`; answers 403 when the principal lacks every one of `roles`. */
export function requireRole(...roles: string[]): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal;
    if (principal === undefined) {
      // A wiring mistake (requireRole without authenticate) must fail closed, loudly.
      throw new Error('requireRole() used without authenticate() before it');
    }
    if (!roles.some((role) => principal.roles.has(role))) {
      res.set('WWW-Authenticate', `Bearer error="insufficient_scope"`);
      return sendProblem(res, {
        status: 403,
        title: 'Forbidden',
        detail: `One of these roles is required: ${roles.join(', ')}.`,
      });
    }
    next();
  };
}
