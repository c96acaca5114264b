// Kafka for one scenario: its own topics (so no other suite's messages are consumed and nothing
// has to be filtered out), a producer acting as service one, and a collector of everything two
// publishes.
import { Snowflake } from '@pkg/id';
import { Headers, headersToStrings, type Kafka, type KafkaMessage } from '@pkg/kafka';
import { acceptedRequestEvent, acceptedRequestMessage, eventually } from '@pkg/testkit';
import { Partitioners } from 'kafkajs';

export interface ScenarioTopics {
  requests: string;
  results: string;
  deadLetters: string;
}

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: string | undefined;
  headers: Record<string, string>;
}

const ids = new Snowflake({ nodeId: 1000 + (process.pid % 23) });

export function newRequestId(): string {
  return ids.next();
}

/** What service one publishes for a request; its defaults are the user and data the scenarios assert on. */
export const acceptedRequest = (requestId: string) => acceptedRequestEvent(requestId);

/** The headers service one's relay sets (docs/architecture.md), with a fixed traceparent to follow through. */
export function requestHeaders(requestId: string): Record<string, string> {
  return {
    ...acceptedRequestMessage(requestId).headers,
    [Headers.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };
}

/** The requests topic gets 3 partitions like one-request, so per-key order across partitions is exercised. */
export async function createTopics(kafka: Kafka, topics: Partial<ScenarioTopics>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.entries(topics).map(([role, topic]) => ({
        topic,
        numPartitions: role === 'requests' ? 3 : 1,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

export async function connectProducer(kafka: Kafka) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/** Reads every scenario topic from the beginning into memory; steps wait on it with `eventually`. */
export async function startCollector(kafka: Kafka, topics: Partial<ScenarioTopics>, groupId: string) {
  const received: ReceivedMessage[] = [];
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      received.push(decode(topic, partition, message));
    },
  });
  return {
    received,
    on: (topic: string, key?: string) =>
      received.filter((m) => m.topic === topic && (key === undefined || m.key === key)),
    async waitFor(topic: string, key: string, count = 1, timeoutMs = 20_000) {
      return eventually(
        () => {
          const found = received.filter((m) => m.topic === topic && m.key === key);
          if (found.length < count) throw new Error(`${found.length} of ${count} on ${topic} for ${key}`);
          return found;
        },
        { timeoutMs, message: `${count} message(s) on ${topic} for ${key}` },
      );
    },
    stop: () => consumer.disconnect(),
  };
}

export type Collector = Awaited<ReturnType<typeof startCollector>>;

function decode(topic: string, partition: number, message: KafkaMessage): ReceivedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8'),
    value: message.value?.toString('utf8'),
    headers: headersToStrings(message.headers),
  };
}
