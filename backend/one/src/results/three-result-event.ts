// What service two publishes on `three-result` (ARCHITECTURE.md), keyed by request id.
// Lenient about extra fields: a newer two may add some, and one must keep reading.
import { z } from 'zod';

export const threeResultEventSchema = z.object({
  request_id: z.string().regex(/^\d{1,19}$/),
  status: z.enum(['DELIVERED', 'FAILED']),
  attempts: z.number().int().min(0),
  delivered_at: z.iso.datetime({ offset: true }).optional(),
  error: z.string().optional(),
});

export type ThreeResultEvent = z.infer<typeof threeResultEventSchema>;
