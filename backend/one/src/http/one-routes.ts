// POST /one and GET /one/:id.
import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isSnowflakeId } from '@pkg/id';
import type { OneMetrics } from '../metrics.js';
import type { AcceptRequest } from '../requests/accept-request.js';
import { newRequestSchema } from '../requests/new-request.js';
import type { RequestStore, StoredRequest } from '../requests/request-store.js';
import type { Principal } from './authentication.js';
import { fieldErrors } from './field-errors.js';
import { methodNotAllowed } from './fallbacks.js';
import { ProblemTypes, sendProblem } from './problem.js';

export interface OneRoutesDependencies {
  accept: AcceptRequest;
  requests: Pick<RequestStore, 'find'>;
  metrics: Pick<OneMetrics, 'requestsAccepted' | 'requestsRejected' | 'requestsFailed'>;
  bodyLimitBytes: number;
}

export function oneRoutes({ accept, requests, metrics, bodyLimitBytes }: OneRoutesDependencies): Router {
  const router = express.Router();

  router
    .route('/one')
    .post(
      countOutcome(metrics),
      requireJsonContentType,
      express.json({ limit: bodyLimitBytes, strict: true, type: 'application/json', verify: requireUtf8 }),
      async (req, res) => {
        const parsed = newRequestSchema.safeParse(req.body);
        if (!parsed.success) {
          const { errors, omitted } = fieldErrors(parsed.error);
          sendProblem(
            res,
            ProblemTypes.validationFailed,
            omitted > 0
              ? `The request body does not match the schema; ${omitted} more field error(s) not listed.`
              : 'The request body does not match the schema.',
            { errors },
          );
          return;
        }
        const principal = res.locals.principal;
        if (principal !== undefined && parsed.data.user_id !== principal.subject) {
          sendProblem(res, ProblemTypes.forbidden, 'user_id must be the subject of your token.');
          return;
        }
        const { requestId } = await accept(parsed.data);
        res.locals.logger.info('request accepted', { request_id: requestId });
        res.status(201).location(`/one/${requestId}`).json({ request_id: requestId });
      },
    )
    .all(methodNotAllowed('POST'));

  router
    .route('/one/:id')
    .get(async (req: Request<{ id: string }>, res) => {
      const { id } = req.params;
      if (!isSnowflakeId(id)) {
        sendProblem(res, ProblemTypes.invalidRequestId, 'A request id is a decimal Snowflake id.');
        return;
      }
      const request = await requests.find(id);
      // Another user's request answers exactly like a missing one: a 403 would confirm it exists.
      if (!request || !mayRead(res.locals.principal, request)) {
        sendProblem(res, ProblemTypes.notFound, 'No request with this id.');
        return;
      }
      res.json(toRequestView(request));
    })
    .all(methodNotAllowed('GET', 'HEAD'));

  return router;
}

/** No principal: `none` mode, everyone reads everything. */
function mayRead(principal: Principal | undefined, request: StoredRequest): boolean {
  return principal === undefined || principal.readsAny || principal.subject === request.userId;
}

export function toRequestView(request: StoredRequest) {
  return {
    request_id: request.id,
    user_id: request.userId,
    prompt: request.prompt,
    data: request.data,
    status: request.status,
    attempts: request.attempts,
    last_error: request.lastError,
    accepted_at: request.acceptedAt.toISOString(),
    published_at: request.publishedAt?.toISOString() ?? null,
    completed_at: request.completedAt?.toISOString() ?? null,
    updated_at: request.updatedAt.toISOString(),
  };
}

/**
 * The JSON decoder would turn invalid UTF-8 into U+FFFD and store a text the client never sent;
 * refuse it instead (body-parser passes the thrown error's `type` on to the error handler).
 */
function requireUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw Object.assign(new Error('body is not UTF-8'), { type: 'entity.not.utf8' });
}

function requireJsonContentType(req: Request, res: Response, next: NextFunction): void {
  if (req.is('application/json') === 'application/json') {
    next();
    return;
  }
  sendProblem(res, ProblemTypes.unsupportedMediaType, 'Send the body as application/json.');
}

/** accepted / rejected (4xx) / failed (5xx) counters for POST /one, decided once the answer is sent. */
function countOutcome(metrics: OneRoutesDependencies['metrics']) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.once('finish', () => {
      const status = res.statusCode;
      if (status === 201) metrics.requestsAccepted.add(1);
      else if (status < 500) metrics.requestsRejected.add(1, { 'http.response.status_code': status });
      else metrics.requestsFailed.add(1, { 'http.response.status_code': status });
    });
    next();
  };
}
