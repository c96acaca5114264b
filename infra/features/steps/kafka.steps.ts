import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { createKafka, headersToStrings, type Kafka } from '@pkg/kafka';
import { eventually, uniqueId } from '@pkg/testkit';
import type { SmokeWorld } from './world.js';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const kafkaFor = (world: SmokeWorld): Kafka =>
  createKafka({ brokers: world.infrastructure.kafkaBrokers, clientId: 'infra-smoke', logger: quiet });

Given('a new topic with {int} partition(s)', async function (this: SmokeWorld, partitions: number) {
  this.topic = uniqueId('smoke');
  const admin = kafkaFor(this).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: this.topic, numPartitions: partitions }],
    waitForLeaders: true,
  });
  this.cleanups.push(async () => {
    await admin.deleteTopics({ topics: [this.topic] });
    await admin.disconnect();
  });
});

When('a producer sends a message with a unique key to that topic', async function (this: SmokeWorld) {
  this.key = uniqueId('key');
  const producer = kafkaFor(this).producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: [
        { key: this.key, value: JSON.stringify({ hello: 'kafka' }), headers: { 'request-id': this.key } },
      ],
    });
  } finally {
    await producer.disconnect();
  }
});

Then(
  'a consumer in a new group reads that message back with its key and headers',
  async function (this: SmokeWorld) {
    const consumer = kafkaFor(this).consumer({ groupId: uniqueId('smoke-group') });
    const received: { key: string; value: string; headers: Record<string, string> }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            headers: headersToStrings(message.headers),
          });
        },
      });
      const message = await eventually(() => received.find((m) => m.key === this.key), {
        timeoutMs: 30_000,
        message: `message ${this.key} on ${this.topic}`,
      });
      assert.deepEqual(JSON.parse(message.value), { hello: 'kafka' });
      assert.equal(message.headers['request-id'], this.key);
    } finally {
      await consumer.disconnect();
    }
  },
);

Then(
  'the topic {string} has {int} partition(s)',
  async function (this: SmokeWorld, topic: string, partitions: number) {
    const admin = kafkaFor(this).admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      assert.equal(metadata.topics[0]?.partitions.length, partitions);
    } finally {
      await admin.disconnect();
    }
  },
);
