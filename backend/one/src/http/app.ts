// The Express application: a pure function of its dependencies, so tests build it with fakes and
// main.ts/service.ts with the real PostgreSQL and Kafka adapters.
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '@pkg/logger';
import type { OneMetrics } from '../metrics.js';
import type { AcceptRequest } from '../requests/accept-request.js';
import type { RequestStore } from '../requests/request-store.js';
import { errorHandler, notFound } from './fallbacks.js';
import { httpMetrics } from './http-metrics.js';
import { oneRoutes } from './one-routes.js';
import { operationalRoutes, type OperationalRoutesDependencies } from './operational-routes.js';
import { requestContext } from './request-context.js';
import { corsAllowList, securityHeaders } from './security-headers.js';

export interface AppDependencies extends OperationalRoutesDependencies {
  accept: AcceptRequest;
  requests: Pick<RequestStore, 'find'>;
  metrics: OneMetrics;
  logger: Logger;
  bodyLimitBytes: number;
  /**
   * What every /one request passes before its route, in order: authentication (jwt mode), then the
   * rate limit. Empty: the API is open (none mode without a limit).
   */
  guards?: RequestHandler[];
  /** Origins browsers may call from; empty or absent: no CORS headers. */
  corsAllowedOrigins?: readonly string[];
  /** Proxy hops whose X-Forwarded-For is trusted for req.ip; 0 or absent: the socket's peer. */
  trustedProxyHops?: number;
}

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustedProxyHops) app.set('trust proxy', deps.trustedProxyHops);
  // No ETag: hashing every body cost ≈ 3 % of POST /one's CPU (docs/benchmarks/levers.md), and
  // neither a 201 nor a request's changing status is worth a conditional GET.
  app.set('etag', false);
  app.use(requestContext(deps.logger));
  app.use(httpMetrics(deps.metrics));
  app.use(securityHeaders());
  const cors = corsAllowList(deps.corsAllowedOrigins ?? []);
  if (cors) app.use(cors);
  app.use(operationalRoutes(deps));
  if (deps.guards?.length) app.use('/one', ...deps.guards);
  app.use(oneRoutes(deps));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
