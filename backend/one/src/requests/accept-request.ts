// Accepting a request: one id, one transaction (request row + outbox row), then a nudge to the
// relay. The outbox row carries the caller's trace context, so the later publish joins its trace.
import { context, propagation } from '@opentelemetry/api';
import type { IdGenerator } from '@pkg/id';
import { Headers, Topics } from '@pkg/kafka';
import type { NewRequest } from './new-request.js';
import { REQUEST_ACCEPTED_VERSION, requestAcceptedEvent } from './request-accepted-event.js';
import type { RequestStore } from './request-store.js';

export interface AcceptRequestDependencies {
  store: Pick<RequestStore, 'accept'>;
  ids: IdGenerator;
  clock: () => Date;
  /** Called after the commit; the relay publishes right away instead of at the next sweep. */
  onAccepted: () => void;
}

export type AcceptRequest = (request: NewRequest) => Promise<{ requestId: string; acceptedAt: Date }>;

export function createAcceptRequest({
  store,
  ids,
  clock,
  onAccepted,
}: AcceptRequestDependencies): AcceptRequest {
  return async (request) => {
    const requestId = ids.next();
    const acceptedAt = clock();
    const event = requestAcceptedEvent(requestId, request, acceptedAt);
    await store.accept(
      { id: requestId, userId: request.user_id, prompt: request.prompt, data: event.data, acceptedAt },
      {
        eventId: ids.next(),
        topic: Topics.oneRequest,
        key: requestId,
        payload: event,
        headers: {
          ...traceContextHeaders(),
          [Headers.requestId]: requestId,
          [Headers.eventType]: event.type,
          [Headers.eventVersion]: String(REQUEST_ACCEPTED_VERSION),
          [Headers.contentType]: 'application/json',
        },
      },
    );
    onAccepted();
    return { requestId, acceptedAt };
  };
}

/** traceparent/tracestate of the active context (empty until the tracing SDK is registered). */
function traceContextHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const headers: Record<string, string> = {};
  if (carrier.traceparent) headers[Headers.traceparent] = carrier.traceparent;
  if (carrier.tracestate) headers[Headers.tracestate] = carrier.tracestate;
  return headers;
}
