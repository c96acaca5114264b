import type { z } from 'zod';
import type { FieldError } from './problem.js';

/**
 * At most this many field errors per answer: a body may carry thousands of unknown keys, and the
 * answer must stay small whatever the client sent. The detail says how many were left out.
 */
export const MAX_FIELD_ERRORS = 10;

/**
 * zod issues → RFC 9457 field errors, at most MAX_FIELD_ERRORS. Messages are zod's (they describe
 * the rule, not the value). Pointers name the client's own keys (that is what makes them useful),
 * so each segment is cut and reduced to printable ASCII.
 */
export function fieldErrors(error: z.ZodError): { errors: FieldError[]; omitted: number } {
  const all = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ pointer: toPointer([...issue.path, key]), detail: 'unknown field' }));
    }
    return [{ pointer: toPointer(issue.path), detail: issue.message }];
  });
  return { errors: all.slice(0, MAX_FIELD_ERRORS), omitted: Math.max(0, all.length - MAX_FIELD_ERRORS) };
}

/** RFC 6901 JSON Pointer of at most 64 printable ASCII characters per segment. */
export function toPointer(path: readonly PropertyKey[]): string {
  return path
    .map(
      (segment) =>
        `/${String(segment)
          .slice(0, 64)
          .replace(/[^\x20-\x7e]/g, '?')
          .replaceAll('~', '~0')
          .replaceAll('/', '~1')}`,
    )
    .join('');
}
