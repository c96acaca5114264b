import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Producer } from '@pkg/kafka';
import { createKafkaPublisher, splitByBytes } from '../../src/outbox/kafka-publisher.js';
import type { OutboxEntry } from '../../src/requests/request-store.js';

/** The broker's refusal as kafkajs surfaces it: a non-retriable error whose cause carries the type. */
const tooLarge = () =>
  Object.assign(new Error('non-retriable'), {
    cause: Object.assign(new Error('message too large'), { type: 'MESSAGE_TOO_LARGE' }),
  });

interface SentBatch {
  keys: string[];
  bytes: number;
}

/** A producer that refuses any send above `brokerLimit` bytes of values and records the rest. */
function fakeProducer({
  brokerLimit = Infinity,
  failWith,
}: { brokerLimit?: number; failWith?: () => Error } = {}) {
  const sent: SentBatch[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const producer = {
    events: { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' },
    on: () => () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async ({
      topicMessages,
    }: {
      topicMessages: { messages: { key: string; value: string }[] }[];
    }) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      const messages = topicMessages.flatMap((topic) => topic.messages);
      const bytes = messages.reduce((sum, message) => sum + message.value.length, 0);
      if (failWith) throw failWith();
      if (bytes > brokerLimit) throw tooLarge();
      sent.push({ keys: messages.map((message) => message.key), bytes });
      return [];
    },
  };
  return { producer: producer as unknown as Producer, sent, maxInFlight: () => maxInFlight };
}

function entries(count: number, valueBytes: number): OutboxEntry[] {
  return Array.from({ length: count }, (_, index) => ({
    eventId: String(index + 1),
    topic: 'one-request',
    key: String(index + 1),
    payload: { text: 'x'.repeat(valueBytes) },
    headers: {},
  }));
}

describe('Kafka publisher', () => {
  it('cuts a batch into sends of at most maxBatchBytes', async () => {
    const { producer, sent } = fakeProducer();
    const publisher = createKafkaPublisher(producer, { maxBatchBytes: 200_000 });
    const outcome = await publisher.publish(entries(30, 55_000));
    assert.equal(outcome.published.length, 30);
    assert.equal(outcome.failure, undefined);
    assert.ok(sent.length >= 9, `${sent.length} sends`);
    for (const batch of sent) assert.ok(batch.bytes <= 200_000, `a send of ${batch.bytes} bytes`);
  });

  it('halves a send the broker refuses as too large and rejects a message too large on its own', async () => {
    const { producer, sent } = fakeProducer({ brokerLimit: 120_000 });
    const publisher = createKafkaPublisher(producer, { maxBatchBytes: 1_000_000 });
    const messages = [...entries(4, 50_000), { ...entries(1, 200_000)[0]!, eventId: '5', key: '5' }];
    const outcome = await publisher.publish(messages);
    assert.deepEqual([...outcome.published].sort(), ['1', '2', '3', '4']);
    assert.deepEqual(
      outcome.rejected.map((rejected) => rejected.eventId),
      ['5'],
    );
    assert.equal(outcome.failure, undefined);
    assert.equal(sent.flatMap((batch) => batch.keys).length, 4, 'each accepted message was sent once');
  });

  it('reports a failure without rejecting anything, and Kafka down for readiness', async () => {
    const { producer } = fakeProducer({ failWith: () => new Error('connection refused') });
    const publisher = createKafkaPublisher(producer, { maxBatchBytes: 1_000_000 });
    const outcome = await publisher.publish(entries(3, 10));
    assert.deepEqual(outcome.published, []);
    assert.deepEqual(outcome.rejected, []);
    assert.match(outcome.failure?.message ?? '', /connection refused/);
    assert.equal(publisher.kafkaState(), 'down');
  });

  it('reports Kafka down while a send waits longer than slowSendMs, before it fails', async () => {
    let clock = 0;
    let release: () => void = () => undefined;
    const producer = {
      events: { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' },
      on: () => () => undefined,
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: () => new Promise<void>((resolve) => (release = resolve)),
    } as unknown as Producer;
    const publisher = createKafkaPublisher(producer, {
      maxBatchBytes: 1_000_000,
      slowSendMs: 3_000,
      now: () => clock,
    });
    await publisher.connect();
    assert.equal(publisher.kafkaState(), 'up');
    const publishing = publisher.publish(entries(1, 10));
    await new Promise((resolve) => setImmediate(resolve));
    clock = 2_000;
    assert.equal(publisher.kafkaState(), 'up', 'a send may take a moment');
    clock = 3_500;
    assert.equal(publisher.kafkaState(), 'down', 'a send this slow means Kafka is not answering');
    release();
    await publishing;
    assert.equal(publisher.kafkaState(), 'up');
  });

  it('never has two sends in flight, however often publish is called', async () => {
    const { producer, maxInFlight } = fakeProducer();
    const publisher = createKafkaPublisher(producer, { maxBatchBytes: 1_000_000 });
    await Promise.all([1, 2, 3].map(() => publisher.publish(entries(2, 10))));
    assert.equal(maxInFlight(), 1);
    assert.equal(publisher.kafkaState(), 'up');
  });

  it('keeps every slice within the bound unless one item alone exceeds it', () => {
    const slices = splitByBytes(
      [100, 100, 300, 50, 50].map((bytes) => ({ bytes })),
      250,
    );
    assert.deepEqual(
      slices.map((slice) => slice.map((item) => item.bytes)),
      [[100], [100], [300], [50, 50]],
    );
  });
});
