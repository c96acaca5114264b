import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  OutboxStore,
  PublishMessages,
  PublishOutcome,
  PublishRound,
} from '../../src/outbox/outbox-store.js';
import { createOutboxRelay } from '../../src/outbox/relay.js';
import type { OutboxEntry } from '../../src/requests/request-store.js';
import { noopMetrics, silentLogger } from './fakes.js';

/** An outbox in memory: publishPending behaves like the SQL version (claim, publish, mark or record failure). */
class InMemoryOutbox implements OutboxStore {
  pending: OutboxEntry[] = [];
  published: OutboxEntry[] = [];
  rejected: OutboxEntry[] = [];
  failures = 0;

  add(count: number) {
    for (let i = 0; i < count; i++) {
      const id = String(this.pending.length + this.published.length + 1);
      this.pending.push({ eventId: id, topic: 'one-request', key: id, payload: {}, headers: {} });
    }
  }

  async publishPending(limit: number, publish: PublishMessages): Promise<PublishRound> {
    const batch = this.pending.slice(0, limit);
    if (batch.length === 0) return { claimed: 0, published: 0, rejected: 0, failed: 0 };
    const outcome = await publish(batch);
    const published = new Set(outcome.published);
    const rejected = new Set(outcome.rejected.map((entry) => entry.eventId));
    this.published.push(...batch.filter((entry) => published.has(entry.eventId)));
    this.rejected.push(...batch.filter((entry) => rejected.has(entry.eventId)));
    this.pending = this.pending.filter(
      (entry) => !published.has(entry.eventId) && !rejected.has(entry.eventId),
    );
    const failed = batch.length - published.size - rejected.size;
    if (failed > 0) this.failures += 1;
    return {
      claimed: batch.length,
      published: published.size,
      rejected: rejected.size,
      failed,
      ...(outcome.failure ? { error: outcome.failure } : {}),
    };
  }

  async backlog() {
    return { pending: this.pending.length, oldestAgeSeconds: 0 };
  }
}

/** All of a batch published, or none when `fail` returns an error. */
function allOrNothing(send: (messages: readonly OutboxEntry[]) => Promise<Error | void>): PublishMessages {
  return async (messages): Promise<PublishOutcome> => {
    const failure = await send(messages);
    return failure
      ? { published: [], rejected: [], failure }
      : { published: messages.map((message) => message.eventId), rejected: [] };
  };
}

function relayOver(
  outbox: InMemoryOutbox,
  send: (messages: readonly OutboxEntry[]) => Promise<Error | void>,
  batchSize = 10,
) {
  return createOutboxRelay({
    store: outbox,
    publish: allOrNothing(send),
    batchSize,
    sweepIntervalMs: 60_000,
    logger: silentLogger(),
    metrics: noopMetrics(),
  });
}

describe('outbox relay', () => {
  it('publishes the whole backlog in batches when woken', async () => {
    const outbox = new InMemoryOutbox();
    outbox.add(25);
    const batches: number[] = [];
    const relay = relayOver(outbox, async (messages) => {
      batches.push(messages.length);
    });
    relay.wake();
    await relay.idle();
    assert.deepEqual(batches, [10, 10, 5]);
    assert.equal(outbox.pending.length, 0);
  });

  it('coalesces wakes during a round into one more round', async () => {
    const outbox = new InMemoryOutbox();
    outbox.add(1);
    let rounds = 0;
    const relay = relayOver(outbox, async () => {
      rounds += 1;
      if (rounds > 1) return;
      // A commit lands while the first round is publishing: two wakes, one extra round.
      outbox.add(1);
      relay.wake();
      relay.wake();
    });
    relay.wake();
    await relay.idle();
    assert.equal(rounds, 2);
    assert.equal(outbox.pending.length, 0);
  });

  it('keeps messages pending when Kafka fails and ignores wakes until a sweep succeeds', async () => {
    const outbox = new InMemoryOutbox();
    outbox.add(3);
    let kafkaUp = false;
    const relay = relayOver(outbox, async () => (kafkaUp ? undefined : new Error('broker unreachable')));
    relay.wake();
    await relay.idle();
    assert.equal(outbox.pending.length, 3);
    assert.equal(outbox.failures, 1);

    relay.wake();
    await relay.idle();
    assert.equal(outbox.failures, 1, 'a wake does not retry a failing broker');

    kafkaUp = true;
    assert.equal(await relay.stop(1_000), true);
    assert.equal(outbox.failures, 1, 'stop does not wait out another failing round');
    assert.equal(outbox.pending.length, 3, 'the messages stay in the outbox for the next start');
  });

  it('publishes what is pending on stop while Kafka is healthy', async () => {
    const outbox = new InMemoryOutbox();
    const relay = relayOver(outbox, async () => undefined);
    outbox.add(3);
    assert.equal(await relay.stop(1_000), true);
    assert.equal(outbox.pending.length, 0);
  });

  it('gives up waiting for a round that outlives the stop bound', async () => {
    const outbox = new InMemoryOutbox();
    outbox.add(1);
    const relay = relayOver(outbox, () => new Promise<never>(() => undefined));
    relay.wake();
    assert.equal(await relay.stop(50), false);
  });

  it('moves on past messages the broker rejects, so later ones are published', async () => {
    const outbox = new InMemoryOutbox();
    outbox.add(25);
    const relay = createOutboxRelay({
      store: outbox,
      publish: async (messages) => ({
        published: messages.filter((message) => message.eventId !== '1').map((message) => message.eventId),
        rejected: messages
          .filter((message) => message.eventId === '1')
          .map((message) => ({ eventId: message.eventId, reason: 'too large' })),
      }),
      batchSize: 10,
      sweepIntervalMs: 60_000,
      logger: silentLogger(),
      metrics: noopMetrics(),
    });
    relay.wake();
    await relay.idle();
    assert.deepEqual(
      outbox.rejected.map((message) => message.eventId),
      ['1'],
    );
    assert.equal(outbox.published.length, 24);
    assert.equal(outbox.pending.length, 0);
  });
});
