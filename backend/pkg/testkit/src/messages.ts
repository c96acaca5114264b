// A `one-request` message exactly as service one's relay publishes it (docs/architecture.md), for tests
// and benchmarks that play service one. Services never import each other, so the contract's test
// double lives here, once.
import { EventTypes, Headers } from '@pkg/kafka';

export interface AcceptedRequestFields {
  /** The `event-id` header; one sends its outbox row's id, here the request id unless given. */
  eventId?: string;
  userId?: string;
  prompt?: string;
  data?: { key: string; value: string }[];
}

export function acceptedRequestEvent(requestId: string, fields: AcceptedRequestFields = {}) {
  return {
    version: 1,
    type: EventTypes.requestAccepted,
    request_id: requestId,
    user_id: fields.userId ?? 'user-42',
    prompt: fields.prompt ?? 'Summarise the attached data',
    data: fields.data ?? [{ key: 'colour', value: 'blue' }],
    accepted_at: new Date().toISOString(),
  };
}

/** key, value and headers of the message; add `traceparent` to the headers to follow a trace. */
export function acceptedRequestMessage(requestId: string, fields: AcceptedRequestFields = {}) {
  return {
    key: requestId,
    value: JSON.stringify(acceptedRequestEvent(requestId, fields)),
    headers: {
      [Headers.requestId]: requestId,
      [Headers.eventId]: fields.eventId ?? requestId,
      [Headers.eventType]: EventTypes.requestAccepted,
      [Headers.eventVersion]: '1',
      [Headers.contentType]: 'application/json',
    } as Record<string, string>,
  };
}
