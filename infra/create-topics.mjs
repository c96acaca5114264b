// Creates the project's topics with explicit partition counts; already-existing topics are fine.
// Used by `make kafka-up` in native mode (the Docker mode runs kafka-topics.sh in a one-shot container).
import kafkajs from 'kafkajs';

export const TOPICS = [
  { topic: 'one-request', numPartitions: 3, replicationFactor: 1 },
  { topic: 'one-request.dlq', numPartitions: 1, replicationFactor: 1 },
  { topic: 'three-result', numPartitions: 3, replicationFactor: 1 },
];

const broker = process.argv[2] ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const kafka = new kafkajs.Kafka({
  clientId: 'create-topics',
  brokers: broker.split(','),
  logLevel: kafkajs.logLevel.NOTHING,
  retry: { retries: 2 },
});
const admin = kafka.admin();
try {
  await admin.connect();
  await admin.createTopics({ topics: TOPICS, waitForLeaders: true });
  const existing = new Set(await admin.listTopics());
  const missing = TOPICS.filter((t) => !existing.has(t.topic)).map((t) => t.topic);
  if (missing.length > 0) throw new Error(`topics missing after creation: ${missing.join(', ')}`);
  console.log(`topics ready: ${TOPICS.map((t) => t.topic).join(', ')}`);
} finally {
  await admin.disconnect();
}
