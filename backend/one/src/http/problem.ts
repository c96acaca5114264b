// RFC 9457 problem details: every 4xx/5xx of service one leaves through `sendProblem`, with the
// request's trace id as an extension member so a caller's report leads straight to the trace.
// Details are written by us and never carry a stack trace. Nothing the client sent is echoed but the
// names of offending fields (`errors`, bounded and sanitised in field-errors.ts); there is no
// `instance` member (optional in RFC 9457): the path is client input, and the trace id already
// identifies the occurrence.
import type { Response } from 'express';

export interface ProblemType {
  status: number;
  /** A URI naming the problem kind; `about:blank` when the status code says it all. */
  type: string;
  title: string;
}

export const ProblemTypes = {
  malformedJson: { status: 400, type: 'urn:problem:one:malformed-json', title: 'Malformed JSON' },
  validationFailed: { status: 400, type: 'urn:problem:one:validation-failed', title: 'Invalid request body' },
  invalidRequestId: { status: 400, type: 'urn:problem:one:invalid-request-id', title: 'Invalid request id' },
  unauthorized: { status: 401, type: 'about:blank', title: 'Unauthorized' },
  forbidden: { status: 403, type: 'urn:problem:one:not-your-user', title: 'Forbidden' },
  notFound: { status: 404, type: 'about:blank', title: 'Not Found' },
  methodNotAllowed: { status: 405, type: 'about:blank', title: 'Method Not Allowed' },
  contentTooLarge: { status: 413, type: 'about:blank', title: 'Content Too Large' },
  unsupportedMediaType: { status: 415, type: 'about:blank', title: 'Unsupported Media Type' },
  tooManyRequests: { status: 429, type: 'about:blank', title: 'Too Many Requests' },
  internal: { status: 500, type: 'about:blank', title: 'Internal Server Error' },
  unavailable: { status: 503, type: 'about:blank', title: 'Service Unavailable' },
} as const satisfies Record<string, ProblemType>;

/** RFC 9457 §3 example shape: one entry per offending field, located by JSON Pointer. */
export interface FieldError {
  pointer: string;
  detail: string;
}

export function sendProblem(
  res: Response,
  problem: ProblemType,
  detail: string,
  extensions: Record<string, unknown> = {},
): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail,
      ...extensions,
      trace_id: res.locals.traceId,
    });
}
