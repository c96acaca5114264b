// Endpoints for the platform rather than for clients: liveness, readiness, metrics, API document.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { Readiness } from '../health/readiness.js';
import { methodNotAllowed } from './fallbacks.js';
import { ProblemTypes, sendProblem } from './problem.js';

export interface OperationalRoutesDependencies {
  readiness: Readiness;
  metricsHandler: (request: IncomingMessage, response: ServerResponse) => void;
  openapi: object;
}

export function operationalRoutes({
  readiness,
  metricsHandler,
  openapi,
}: OperationalRoutesDependencies): Router {
  const router = express.Router();
  const getOnly = methodNotAllowed('GET', 'HEAD');

  // Liveness: the event loop answers. Nothing external, or an outage would restart healthy pods.
  router
    .route('/healthz')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(getOnly);

  router
    .route('/readyz')
    .get(async (req, res) => {
      const report = await readiness();
      if (report.ready) {
        res.json({ status: 'ready', checks: report.checks });
        return;
      }
      const failed = Object.entries(report.checks)
        .filter(([, result]) => result === 'down')
        .map(([name]) => name);
      sendProblem(res, ProblemTypes.unavailable, `Not ready: ${failed.join(', ')}.`, {
        checks: report.checks,
      });
    })
    .all(getOnly);

  router
    .route('/metrics')
    .get((req, res) => metricsHandler(req, res))
    .all(getOnly);

  router
    .route('/openapi.json')
    .get((_req, res) => {
      res.json(openapi);
    })
    .all(getOnly);

  return router;
}
