// What service two publishes on `three-result`, keyed by request id.
// Lenient about extra fields: a newer two may add some, and one must keep reading. Strict about
// ranges: every value must fit its column (int8 id, int4 attempts, text without NUL), or the update
// would fail in PostgreSQL on every retry and hold the partition.
import { z } from 'zod';

const INT8_MAX = 9_223_372_036_854_775_807n;
const INT4_MAX = 2_147_483_647;

export const threeResultEventSchema = z.object({
  request_id: z
    .string()
    .regex(/^\d{1,19}$/)
    .refine((id) => BigInt(id) <= INT8_MAX, 'request_id is beyond the range of ids'),
  status: z.enum(['DELIVERED', 'FAILED']),
  attempts: z.number().int().min(0).max(INT4_MAX),
  delivered_at: z.iso.datetime({ offset: true }).optional(),
  // PostgreSQL text cannot hold NUL; the rest of a third party's error text is worth keeping.
  error: z
    .string()
    .transform((error) => error.replaceAll('\u0000', '').slice(0, 2_000))
    .optional(),
});

export type ThreeResultEvent = z.infer<typeof threeResultEventSchema>;
