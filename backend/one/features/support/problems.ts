import assert from 'node:assert/strict';
import type { Answer } from './world.js';

/** Asserts an RFC 9457 answer with the trace id, and no trace of the request body or a stack. */
export function assertProblem(answer: Answer, status: number, type?: string): Record<string, unknown> {
  assert.equal(answer.status, status, answer.text);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const problem = answer.body as Record<string, unknown>;
  assert.equal(problem.status, status);
  for (const member of ['type', 'title', 'detail']) assert.equal(typeof problem[member], 'string', member);
  // The path is client input: not echoed (no `instance` member).
  assert.equal(problem.instance, undefined);
  assert.match(String(problem.trace_id), /^[0-9a-f]{32}$/);
  if (type) assert.equal(problem.type, type);
  assert.ok(!answer.text.includes('    at '), 'no stack trace');
  return problem;
}
