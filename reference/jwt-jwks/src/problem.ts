import type { Response } from 'express';

/** RFC 9457 problem details; `type` stays `about:blank` because the status code says it all. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
}

export function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: 'about:blank', ...problem });
}
