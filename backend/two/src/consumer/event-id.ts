// The `event-id` of what two publishes (docs/asyncapi.yaml, "Event id"): a name-based UUID (v5) of
// the kind of message and the one-request message it answers. Handling the same message again
// (a redelivery after a crash or a rebalance) publishes the same ids, so a consumer can drop the
// repeats; a replayed dead letter is a new message and gets new ones.
import { v5 as uuidv5 } from 'uuid';

/** A fixed namespace for two's event ids (any UUID works, as long as it never changes). */
const TWO_EVENT_NAMESPACE = '2b0c7a8e-3c8f-4d5e-9a41-6f1e0b7d9c23';

export type EventKind = 'three-result' | 'dead-letter';

export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
}

export function eventIdFor(kind: EventKind, origin: MessageOrigin): string {
  return uuidv5(`${kind}:${origin.topic}/${origin.partition}/${origin.offset}`, TWO_EVENT_NAMESPACE);
}
