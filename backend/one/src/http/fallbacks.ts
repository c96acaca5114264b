// The answers for everything the routes do not handle: wrong method, unknown path, thrown errors.
import type { ErrorRequestHandler, Request, Response } from 'express';
import { isDatabaseUnavailable } from '../database.js';
import { ProblemTypes, sendProblem, type ProblemType } from './problem.js';

export function methodNotAllowed(...allowed: string[]) {
  return (req: Request, res: Response): void => {
    res.setHeader('Allow', allowed.join(', '));
    sendProblem(res, ProblemTypes.methodNotAllowed, `Use ${allowed.join(' or ')} on this path.`);
  };
}

export function notFound(req: Request, res: Response): void {
  sendProblem(res, ProblemTypes.notFound, 'No such endpoint.');
}

/** body-parser's error types → our problems; the raw body and parser messages never leave. */
const BODY_ERRORS: Record<string, { problem: ProblemType; detail: string }> = {
  'entity.parse.failed': { problem: ProblemTypes.malformedJson, detail: 'The body is not valid JSON.' },
  'entity.too.large': { problem: ProblemTypes.contentTooLarge, detail: 'The body exceeds the size limit.' },
  'charset.unsupported': {
    problem: ProblemTypes.unsupportedMediaType,
    detail: 'Send the body as UTF-8 JSON.',
  },
  'encoding.unsupported': {
    problem: ProblemTypes.unsupportedMediaType,
    detail: 'Unsupported content encoding.',
  },
  'entity.not.utf8': { problem: ProblemTypes.malformedJson, detail: 'The body is not valid UTF-8.' },
  'request.aborted': { problem: ProblemTypes.malformedJson, detail: 'The body was not received completely.' },
  'request.size.invalid': {
    problem: ProblemTypes.malformedJson,
    detail: 'The body length does not match Content-Length.',
  },
};

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const type = (error as { type?: unknown } | null)?.type;
  const bodyError = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (bodyError) {
    sendProblem(res, bodyError.problem, bodyError.detail);
    return;
  }
  if (isUnreadableBody(error)) {
    sendProblem(res, ProblemTypes.malformedJson, 'The body could not be read.');
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isDatabaseUnavailable(error)) {
    res.locals.logger.warn('database unavailable', { error: message });
    res.setHeader('Retry-After', '1');
    sendProblem(res, ProblemTypes.unavailable, 'The database is unavailable; retry shortly.');
    return;
  }
  res.locals.logger.error('unhandled error', {
    error: message,
    stack: error instanceof Error ? error.stack : undefined,
  });
  sendProblem(res, ProblemTypes.internal, 'An unexpected error occurred.');
};

/**
 * body-parser's other client errors carry no `type` (e.g. a body declared gzip that does not
 * inflate): a 400 with `expose`, which must stay a 400 rather than fall through to a 500.
 */
function isUnreadableBody(error: unknown): boolean {
  const { status, expose } = (error ?? {}) as { status?: unknown; expose?: unknown };
  return status === 400 && expose === true;
}
