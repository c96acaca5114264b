// Publishes outbox messages with an idempotent kafkajs producer (acks from all in-sync replicas).
// The producer connects lazily and reconnects on the next publish after an outage, so Kafka being
// down at start or later only delays messages: they wait in the outbox.
// Each message gets a `send <topic>` span parented on the trace stored in its outbox row, so a
// publish that happens later (or after an outage) still joins the request's trace.
import { traceSendBatch, type Producer } from '@pkg/kafka';
import type { OutboxEntry } from '../requests/request-store.js';

export interface KafkaPublisher {
  publish(messages: readonly OutboxEntry[]): Promise<void>;
  /** True while the producer holds a connection; for readiness. */
  isConnected(): boolean;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export function createKafkaPublisher(producer: Producer, timeoutMs: number): KafkaPublisher {
  let connected = false;
  let connecting: Promise<void> | undefined;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  const connect = () => {
    connecting ??= producer.connect().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  const send = async (messages: readonly OutboxEntry[]) => {
    if (!connected) await connect();
    await traceSendBatch(messages, (traced) =>
      producer.sendBatch({ acks: -1, topicMessages: groupByTopic(traced) }),
    );
  };

  return {
    publish: (messages) =>
      withTimeout(send(messages), timeoutMs, `publishing ${messages.length} message(s) to Kafka`),
    isConnected: () => connected,
    connect,
    disconnect: async () => {
      await producer.disconnect();
      connected = false;
    },
  };
}

function groupByTopic(messages: readonly OutboxEntry[]) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  for (const message of messages) {
    const list = byTopic.get(message.topic) ?? [];
    list.push({ key: message.key, value: JSON.stringify(message.payload), headers: message.headers });
    byTopic.set(message.topic, list);
  }
  return [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages }));
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    // A send that lost the race may still fail later; nobody awaits it any more.
    work.catch(() => undefined);
  }
}
