// Publishes outbox messages with an idempotent kafkajs producer (acks from all in-sync replicas).
// The producer connects lazily and reconnects on the next publish after an outage, so Kafka being
// down at start or later only delays messages: they wait in the outbox.
//
// Three rules keep a backlog moving and every message published once:
// - Sends are cut by bytes (`maxBatchBytes`, below the broker's message.max.bytes): kafkajs puts a
//   partition's messages into one record batch and never splits it, and the broker refuses a batch
//   above its limit for good. Should the broker's limit be lower than ours after all, a refused
//   send is halved until it fits; a message the broker refuses on its own is reported `rejected`
//   (the store takes it out of the queue and fails its request) instead of blocking every later one.
// - One send at a time, and every send is awaited to its end: kafkajs cannot cancel a send, so
//   abandoning one after a timeout would leave it running and a later round would publish its
//   messages again. The producer's retries are bounded (config kafka.retries), which bounds a send.
// - The outcome is per message, so a failure half-way keeps what was already acknowledged.
//
// Each message gets a `send <topic>` span parented on the trace stored in its outbox row, so a
// publish that happens later (or after an outage) still joins the request's trace.
import { Headers, traceSendBatch, type Producer } from '@pkg/kafka';
import type { OutboxEntry } from '../requests/request-store.js';
import type { PublishOutcome } from './outbox-store.js';

export interface KafkaPublisher {
  publish(messages: readonly OutboxEntry[]): Promise<PublishOutcome>;
  /**
   * 'down' when the last attempt to connect or publish failed, or the send in progress has waited
   * longer than `slowSendMs` (a failing send takes the producer's retries, ≈ 10 s, to fail); for
   * readiness, where it is informational.
   */
  kafkaState(): 'up' | 'down';
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkaPublisherOptions {
  /** Upper bound of one send's estimated record-batch size; keep it below the broker's message.max.bytes. */
  maxBatchBytes: number;
  /** A send waiting longer than this reports Kafka down before it fails. */
  slowSendMs?: number;
  /** Monotonic milliseconds, injected for tests. */
  now?: () => number;
}

interface Outgoing {
  entry: OutboxEntry;
  value: string;
  bytes: number;
}

export function createKafkaPublisher(
  producer: Producer,
  { maxBatchBytes, slowSendMs = 3_000, now = () => performance.now() }: KafkaPublisherOptions,
): KafkaPublisher {
  let connected = false;
  let lastAttemptFailed = true;
  let sendingSince: number | undefined;
  let connecting: Promise<void> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  const connect = () => {
    connecting ??= producer
      .connect()
      .then(
        () => {
          lastAttemptFailed = false;
        },
        (error: unknown) => {
          lastAttemptFailed = true;
          throw error;
        },
      )
      .finally(() => {
        connecting = undefined;
      });
    return connecting;
  };

  const send = async (batch: readonly Outgoing[]) => {
    sendingSince = now();
    try {
      if (!connected) await connect();
      await traceSendBatch(
        batch.map(({ entry }) => entry),
        (traced) =>
          producer.sendBatch({
            acks: -1,
            topicMessages: groupByTopic(
              traced.map((entry, index) => ({ entry, value: batch[index]!.value })),
            ),
          }),
      );
    } finally {
      sendingSince = undefined;
    }
  };

  /** Sends `batch`, halving it while the broker says it is too large; appends to `outcome`. */
  const sendFitting = async (batch: readonly Outgoing[], outcome: MutableOutcome): Promise<boolean> => {
    try {
      await send(batch);
      outcome.published.push(...batch.map(({ entry }) => entry.eventId));
      return true;
    } catch (error) {
      if (!isTooLarge(error)) {
        outcome.failure = asError(error);
        return false;
      }
      if (batch.length === 1) {
        outcome.rejected.push({
          eventId: batch[0]!.entry.eventId,
          reason: `Kafka refused the message as too large (${batch[0]!.bytes} bytes)`,
        });
        return true;
      }
      const half = Math.ceil(batch.length / 2);
      return (await sendFitting(batch.slice(0, half), outcome)) && sendFitting(batch.slice(half), outcome);
    }
  };

  const publishNow = async (messages: readonly OutboxEntry[]): Promise<PublishOutcome> => {
    const outcome: MutableOutcome = { published: [], rejected: [] };
    for (const batch of splitByBytes(messages.map(toOutgoing), maxBatchBytes)) {
      if (!(await sendFitting(batch, outcome))) break;
    }
    lastAttemptFailed = outcome.failure !== undefined;
    return outcome;
  };

  return {
    publish: (messages) => {
      const run = tail.then(() => publishNow(messages));
      tail = run.catch(() => undefined);
      return run;
    },
    kafkaState: () =>
      lastAttemptFailed || (sendingSince !== undefined && now() - sendingSince > slowSendMs) ? 'down' : 'up',
    connect,
    disconnect: async () => {
      await producer.disconnect();
      connected = false;
    },
  };
}

interface MutableOutcome {
  published: string[];
  rejected: { eventId: string; reason: string }[];
  failure?: Error;
}

/** Per-record overhead of Kafka's record format (varint lengths, offsets, timestamps), rounded up. */
const RECORD_OVERHEAD_BYTES = 70;
/** The record batch header. */
const BATCH_OVERHEAD_BYTES = 61;

function toOutgoing(entry: OutboxEntry): Outgoing {
  const value = JSON.stringify(entry.payload);
  const headerBytes = Object.entries(withEventId(entry)).reduce(
    (sum, [name, headerValue]) => sum + Buffer.byteLength(name) + Buffer.byteLength(headerValue) + 8,
    0,
  );
  return {
    entry,
    value,
    bytes: Buffer.byteLength(entry.key) + Buffer.byteLength(value) + headerBytes + RECORD_OVERHEAD_BYTES,
  };
}

/**
 * Consecutive slices whose estimated size stays within `maxBytes` (a message larger than that goes
 * alone). The bound holds for the whole send, so it holds for each partition's record batch in it.
 */
export function splitByBytes<T extends { bytes: number }>(items: readonly T[], maxBytes: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = BATCH_OVERHEAD_BYTES;
  for (const item of items) {
    if (current.length > 0 && size + item.bytes > maxBytes) {
      batches.push(current);
      current = [];
      size = BATCH_OVERHEAD_BYTES;
    }
    current.push(item);
    size += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** kafkajs wraps the broker's error (KafkaJSNonRetriableError → cause); look along the chain. */
function isTooLarge(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const { type, cause, originalError } = current as {
      type?: unknown;
      cause?: unknown;
      originalError?: unknown;
    };
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') return true;
    current = cause ?? originalError;
  }
  return false;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function groupByTopic(messages: readonly { entry: OutboxEntry; value: string }[]) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  for (const { entry, value } of messages) {
    const list = byTopic.get(entry.topic) ?? [];
    list.push({ key: entry.key, value, headers: withEventId(entry) });
    byTopic.set(entry.topic, list);
  }
  return [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages }));
}

/**
 * The message's headers plus `event-id`: the outbox row's id, the same on every publish of the row,
 * so a consumer can tell a republish from a new event (docs/asyncapi.yaml, "Event id").
 */
function withEventId(entry: OutboxEntry): Record<string, string> {
  return { ...entry.headers, [Headers.eventId]: entry.eventId };
}
