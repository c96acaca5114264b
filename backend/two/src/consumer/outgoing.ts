import { EventTypes, Headers, headersToStrings, type IHeaders, type Message } from '@pkg/kafka';
import type { AcceptedRequest } from './decode-request.js';
import { eventIdFor, type MessageOrigin } from './event-id.js';

/** The version of the `three-result` event (header `event-version`; docs/asyncapi.yaml). */
export const THREE_RESULT_VERSION = 1;

/** A message this service publishes, and where. */
export interface Outgoing {
  topic: string;
  message: Message;
}

export interface ResultEvent {
  request_id: string;
  status: 'DELIVERED' | 'FAILED';
  attempts: number;
  delivered_at?: string;
  error?: string;
}

/**
 * `three-result`: the outcome for service one, keyed by request id so it stays in order with the
 * request. `answering` is the one-request message it answers, which its `event-id` is derived from.
 */
export function resultMessage(
  topic: string,
  event: ResultEvent,
  traceHeaders: Record<string, string>,
  answering: MessageOrigin,
): Outgoing {
  return {
    topic,
    message: {
      key: event.request_id,
      value: JSON.stringify(event),
      headers: {
        ...traceHeaders,
        [Headers.requestId]: event.request_id,
        [Headers.eventId]: eventIdFor('three-result', answering),
        [Headers.eventType]: EventTypes.threeResult,
        [Headers.eventVersion]: String(THREE_RESULT_VERSION),
        [Headers.contentType]: 'application/json',
      },
    },
  };
}

export type DeadLetterOrigin = MessageOrigin;

/**
 * The original key, value and headers, plus why and where from, so replay can put it back unchanged.
 * The dead letter's `event-id` is its own; the original's travels in `dlq-original-event-id`.
 */
export function deadLetterMessage(
  topic: string,
  original: { key: Buffer | null; value: Buffer | null; headers?: IHeaders },
  failure: { reason: string; attempts: number; failedAt: Date; origin: DeadLetterOrigin },
): Outgoing {
  const originalEventId = headersToStrings(original.headers)[Headers.eventId];
  return {
    topic,
    message: {
      key: original.key,
      value: original.value,
      headers: {
        ...original.headers,
        [Headers.eventId]: eventIdFor('dead-letter', failure.origin),
        ...(originalEventId === undefined ? {} : { [Headers.dlqOriginalEventId]: originalEventId }),
        [Headers.dlqReason]: failure.reason,
        [Headers.dlqAttempts]: String(failure.attempts),
        [Headers.dlqOriginTopic]: failure.origin.topic,
        [Headers.dlqOriginPartition]: String(failure.origin.partition),
        [Headers.dlqOriginOffset]: failure.origin.offset,
        [Headers.dlqFailedAt]: failure.failedAt.toISOString(),
      },
    },
  };
}

/** What /three receives: the id (also the Idempotency-Key), some metadata, and the request as one sent it. */
export function threeRequestBody(request: AcceptedRequest) {
  return {
    id: request.request_id,
    metadata: {
      source: 'two',
      event_type: request.type,
      event_version: request.version,
      accepted_at: request.accepted_at,
    },
    one_request: request,
  };
}

/** Bytes a message adds to a record batch, near enough: key, value, headers, plus per-record overhead. */
export function approximateSize({ message }: Outgoing): number {
  const length = (value: string | Buffer | null | undefined) =>
    value == null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  let size = 64 + length(message.key) + length(message.value as string | Buffer | null);
  for (const [name, value] of Object.entries(message.headers ?? {}))
    size +=
      Buffer.byteLength(name) +
      (Array.isArray(value) ? value.reduce((sum, v) => sum + length(v), 0) : length(value));
  return size;
}

/**
 * Splits what a chunk publishes into sends of at most `maxBytes` each (one message larger than
 * that goes alone). kafkajs puts a partition's messages of one send into one record batch and never
 * splits it; above the broker's message.max.bytes (≈ 1 MiB by default) the send fails for good, and
 * twenty dead letters of 55 KB to the one-partition dead-letter topic already are.
 */
export function byteBoundedBatches(outgoing: readonly Outgoing[], maxBytes: number): Outgoing[][] {
  const batches: Outgoing[][] = [];
  let current: Outgoing[] = [];
  let bytes = 0;
  for (const item of outgoing) {
    const size = approximateSize(item);
    if (current.length > 0 && bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
