// Per-request context: the trace the request belongs to and a logger carrying its ids.
// With the OpenTelemetry SDK registered (issue 5) the HTTP instrumentation has already started a
// server span; without it we still honour an incoming `traceparent` (when a propagator is set),
// so trace context reaches the outbox either way.
import { randomBytes } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@pkg/logger';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Locals {
      traceId: string;
      logger: Logger;
    }
  }
}

export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const active = context.active();
    const ctx = trace.getSpan(active) ? active : propagation.extract(active, req.headers);
    const spanContext = trace.getSpanContext(ctx);
    res.locals.traceId =
      spanContext && trace.isSpanContextValid(spanContext)
        ? spanContext.traceId
        : randomBytes(16).toString('hex');
    // Every answer names its trace, so a client (and `make demo`) can open it in Grafana.
    res.setHeader('trace-id', res.locals.traceId);
    res.locals.logger = logger.child({ trace_id: res.locals.traceId });
    context.with(ctx, next);
  };
}
