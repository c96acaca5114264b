/** The topics of the flow (docs/architecture.md); `make kafka-up` creates them with these partition counts. */
export const Topics = {
  /** one → two: an accepted request, keyed by request id. */
  oneRequest: 'one-request',
  /** two's dead letters: the original message plus dlq-* headers. */
  oneRequestDlq: 'one-request.dlq',
  /** two → one: the delivery outcome, keyed by request id. */
  threeResult: 'three-result',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** Header names shared by producer and consumers, so neither side spells them on its own. */
export const Headers = {
  requestId: 'request-id',
  /** Unique per event, the same on every publish of it (docs/asyncapi.yaml, "Event id"). */
  eventId: 'event-id',
  eventType: 'event-type',
  eventVersion: 'event-version',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  dlqReason: 'dlq-reason',
  dlqAttempts: 'dlq-attempts',
  dlqOriginTopic: 'dlq-origin-topic',
  dlqOriginPartition: 'dlq-origin-partition',
  dlqOriginOffset: 'dlq-origin-offset',
  dlqFailedAt: 'dlq-failed-at',
  /** A dead letter's copy of the original `event-id` (its own `event-id` is the dead letter's). */
  dlqOriginalEventId: 'dlq-original-event-id',
} as const;

export const EventTypes = {
  requestAccepted: 'one.request.accepted',
  threeResult: 'two.three.result',
} as const;
