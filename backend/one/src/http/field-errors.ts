import type { z } from 'zod';
import type { FieldError } from './problem.js';

/** zod issues → RFC 9457 field errors. Messages are zod's (they describe the rule, not the value). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ pointer: toPointer([...issue.path, key]), detail: 'unknown field' }));
    }
    return [{ pointer: toPointer(issue.path), detail: issue.message }];
  });
}

/** RFC 6901 JSON Pointer; long attacker-chosen keys are cut so the answer stays small. */
export function toPointer(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => `/${String(segment).slice(0, 64).replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
}
