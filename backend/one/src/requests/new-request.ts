// What POST /one accepts. Strict objects: an unknown field (including `__proto__` or
// `constructor`, which JSON.parse turns into plain own keys) is a 400, never silently dropped.
import { z } from 'zod';

export const LIMITS = {
  userIdLength: 128,
  promptLength: 4_000,
  dataItems: 100,
  keyLength: 128,
  valueLength: 1_000,
} as const;

/**
 * NUL and unpaired UTF-16 surrogates are valid in a JSON string (`"\u0000"`, `"\ud800"`) but
 * PostgreSQL refuses both in text and jsonb: without this check they passed validation and the
 * insert failed with a 500 (found by the bad-input corpus, infra/faults/bad-input-corpus.json).
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const text = () =>
  z.string().refine((value) => !UNSTORABLE.test(value), {
    message: 'Must be well-formed Unicode text without NUL characters.',
  });

export const dataItemSchema = z.strictObject({
  key: text().min(1).max(LIMITS.keyLength),
  value: text().max(LIMITS.valueLength),
});

export const newRequestSchema = z.strictObject({
  user_id: text().trim().min(1).max(LIMITS.userIdLength),
  prompt: text().min(1).max(LIMITS.promptLength),
  data: z.array(dataItemSchema).max(LIMITS.dataItems),
});

export type NewRequest = z.infer<typeof newRequestSchema>;
export type DataItem = z.infer<typeof dataItemSchema>;
