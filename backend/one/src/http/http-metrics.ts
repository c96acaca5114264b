import type { NextFunction, Request, Response } from 'express';
import type { OneMetrics } from '../metrics.js';

/** Records every response's duration by method, route template and status (not by raw path: ids would explode cardinality). */
export function httpMetrics(metrics: Pick<OneMetrics, 'httpDuration'>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('finish', () => {
      const route: unknown = req.route?.path;
      metrics.httpDuration.record((performance.now() - started) / 1_000, {
        'http.request.method': req.method,
        'http.route': typeof route === 'string' ? route : 'unmatched',
        'http.response.status_code': res.statusCode,
      });
    });
    next();
  };
}
