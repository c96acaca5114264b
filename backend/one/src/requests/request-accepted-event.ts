// The contract with service two: the value of every message on `one-request` (docs/asyncapi.yaml;
// test/unit/event-contract.test.ts holds this schema and the publisher's output to it).
// two keeps its own decoder for the same shape; services never import each other.
import { z } from 'zod';
import { isSnowflakeId } from '@pkg/id';
import { EventTypes } from '@pkg/kafka';
import { dataItemSchema, type NewRequest } from './new-request.js';

export const REQUEST_ACCEPTED_VERSION = 1;

export const requestAcceptedEventSchema = z.strictObject({
  version: z.literal(REQUEST_ACCEPTED_VERSION),
  type: z.literal(EventTypes.requestAccepted),
  request_id: z.string().refine(isSnowflakeId, 'not a Snowflake id'),
  user_id: z.string(),
  prompt: z.string(),
  data: z.array(dataItemSchema),
  accepted_at: z.iso.datetime(),
});

export type RequestAcceptedEvent = z.infer<typeof requestAcceptedEventSchema>;

export function requestAcceptedEvent(
  requestId: string,
  request: NewRequest,
  acceptedAt: Date,
): RequestAcceptedEvent {
  return {
    version: REQUEST_ACCEPTED_VERSION,
    type: EventTypes.requestAccepted,
    request_id: requestId,
    user_id: request.user_id,
    prompt: request.prompt,
    // Copied item by item: only the two known fields ever reach the event.
    data: request.data.map(({ key, value }) => ({ key, value })),
    accepted_at: acceptedAt.toISOString(),
  };
}
