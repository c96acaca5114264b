import { isSnowflakeId } from '@pkg/id';
import { EventTypes } from '@pkg/kafka';
import { z } from 'zod';

/** `one.request.accepted` v1, as service one publishes it (docs/architecture.md); decoded here, never imported. */
const acceptedRequest = z.object({
  version: z.literal(1),
  type: z.literal(EventTypes.requestAccepted),
  request_id: z.string().refine(isSnowflakeId, 'not a snowflake id'),
  user_id: z.string().min(1),
  prompt: z.string(),
  data: z.array(z.object({ key: z.string(), value: z.string() })),
  accepted_at: z.iso.datetime({ offset: true }),
});

export type AcceptedRequest = z.infer<typeof acceptedRequest>;

export type Decoded = { ok: true; request: AcceptedRequest } | { ok: false; error: string };

/** Any message that is not a valid v1 request, or whose key is not its request id, is refused with a reason. */
export function decodeRequest(key: Buffer | null, value: Buffer | null): Decoded {
  if (!value) return { ok: false, error: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, error: 'value is not JSON' };
  }
  const parsed = acceptedRequest.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      error: `invalid ${first?.path.join('.') || 'value'}: ${first?.message ?? 'unknown'}`,
    };
  }
  if (key?.toString('utf8') !== parsed.data.request_id)
    return { ok: false, error: 'key is not the request id' };
  return { ok: true, request: parsed.data };
}
