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

export const dataItemSchema = z.strictObject({
  key: z.string().min(1).max(LIMITS.keyLength),
  value: z.string().max(LIMITS.valueLength),
});

export const newRequestSchema = z.strictObject({
  user_id: z.string().trim().min(1).max(LIMITS.userIdLength),
  prompt: z.string().min(1).max(LIMITS.promptLength),
  data: z.array(dataItemSchema).max(LIMITS.dataItems),
});

export type NewRequest = z.infer<typeof newRequestSchema>;
export type DataItem = z.infer<typeof dataItemSchema>;
