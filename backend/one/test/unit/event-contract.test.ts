// one against docs/asyncapi.yaml: the one-request message its code builds (accept → outbox entry →
// publisher → producer) matches the document, its own schema of that event agrees with the
// document's examples, and its three-result decoder accepts every documented result and refuses
// every documented invalid one.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Headers, Topics, type Producer } from '@pkg/kafka';
import { loadEventContract, type EventContract } from '@pkg/testkit/event-contract';
import { createKafkaPublisher } from '../../src/outbox/kafka-publisher.js';
import { createAcceptRequest } from '../../src/requests/accept-request.js';
import { requestAcceptedEventSchema } from '../../src/requests/request-accepted-event.js';
import { threeResultEventSchema } from '../../src/results/three-result-event.js';
import { InMemoryRequestStore, sequentialIds } from './fakes.js';

interface Sent {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A producer that keeps every message exactly as kafkajs would be handed it. */
function capturingProducer() {
  const sent: Sent[] = [];
  const producer = {
    events: { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' },
    on: () => () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async ({
      topicMessages,
    }: {
      topicMessages: { topic: string; messages: Omit<Sent, 'topic'>[] }[];
    }) => {
      for (const { topic, messages } of topicMessages)
        for (const message of messages) sent.push({ topic, ...message });
      return [];
    },
  };
  return { producer: producer as unknown as Producer, sent };
}

let contract: EventContract;
before(async () => {
  contract = await loadEventContract();
});

describe('one-request as one publishes it', () => {
  it('matches docs/asyncapi.yaml, with the outbox row id as event-id on every publish', async () => {
    const store = new InMemoryRequestStore();
    const accept = createAcceptRequest({
      store,
      ids: sequentialIds(7391820345519480832n),
      clock: () => new Date('2026-11-21T15:00:00.000Z'),
      onAccepted: () => undefined,
    });
    await accept({ user_id: 'user-42', prompt: 'Summarise', data: [{ key: 'colour', value: 'blue' }] });
    await accept({ user_id: 'user-7', prompt: 'Hello', data: [] });
    const { producer, sent } = capturingProducer();
    const publisher = createKafkaPublisher(producer, { maxBatchBytes: 1_000_000 });
    await publisher.publish(store.outbox);
    // The relay publishes a row again when a crash came between the ack and marking it published.
    await publisher.publish(store.outbox.slice(0, 1));

    assert.equal(sent.length, 3);
    const channel = contract.channel(Topics.oneRequest);
    for (const message of sent) {
      assert.equal(message.topic, Topics.oneRequest);
      assert.deepEqual(channel.violations(message), [], JSON.stringify(message));
    }
    assert.deepEqual(
      sent.map((message) => message.headers[Headers.eventId]),
      [store.outbox[0]!.eventId, store.outbox[1]!.eventId, store.outbox[0]!.eventId],
    );
    assert.notEqual(store.outbox[0]!.eventId, store.outbox[1]!.eventId);
  });

  it("one's own schema of the event accepts the document's examples and refuses its invalid ones", () => {
    const channel = contract.channel(Topics.oneRequest);
    for (const example of channel.examples)
      assert.ok(requestAcceptedEventSchema.safeParse(example.payload).success, example.name);
    for (const sample of channel.invalidExamples)
      assert.ok(!requestAcceptedEventSchema.safeParse(sample.payload).success, sample.name);
  });
});

describe('three-result as one consumes it', () => {
  it('accepts every example of docs/asyncapi.yaml', () => {
    const channel = contract.channel(Topics.threeResult);
    assert.ok(channel.examples.length > 0);
    for (const example of channel.examples) {
      const parsed = threeResultEventSchema.safeParse(example.payload);
      assert.ok(parsed.success, `${example.name}: ${JSON.stringify(parsed.error?.issues)}`);
    }
  });

  it('refuses every x-invalid-examples entry of docs/asyncapi.yaml', () => {
    const channel = contract.channel(Topics.threeResult);
    assert.ok(channel.invalidExamples.length > 0);
    for (const sample of channel.invalidExamples)
      assert.ok(!threeResultEventSchema.safeParse(sample.payload).success, sample.name);
  });
});
