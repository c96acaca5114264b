// Response hardening for every answer: helmet's security headers, and CORS only for the origins
// listed in `cors.allowedOrigins` (none by default: browsers on other origins get no access).
import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export function securityHeaders(): RequestHandler {
  // A JSON API renders nothing: the strictest content security policy costs nothing.
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  });
}

/** undefined when no origin is allowed: no middleware, no CORS headers. */
export function corsAllowList(allowedOrigins: readonly string[]): RequestHandler | undefined {
  if (allowedOrigins.length === 0) return undefined;
  return cors({
    origin: [...allowedOrigins],
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'traceparent', 'tracestate'],
    exposedHeaders: [
      'Location',
      'trace-id',
      'Retry-After',
      'RateLimit',
      'RateLimit-Policy',
      'WWW-Authenticate',
    ],
    maxAge: 600,
  });
}
