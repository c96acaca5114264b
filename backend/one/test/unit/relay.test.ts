import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboxStore, PublishMessages, PublishRound } from '../../src/outbox/outbox-store.js';
import { createOutboxRelay } from '../../src/outbox/relay.js';
import type { OutboxEntry } from '../../src/requests/request-store.js';
import { noopMetrics, silentLogger } from './fakes.js';

/** An outbox in memory: publishPending behaves like the SQL version (claim, publish, mark or record failure). */
class InMemoryOutbox implements OutboxStore {
  pending: OutboxEntry[] = [];
  published: OutboxEntry[] = [];
  failures = 0;

  add(count: number) {
    for (let i = 0; i < count; i++) {
      const id = String(this.pending.length + this.published.length + 1);
      this.pending.push({ eventId: id, topic: 'one-request', key: id, payload: {}, headers: {} });
    }
  }

  async publishPending(limit: number, publish: PublishMessages): Promise<PublishRound> {
    const batch = this.pending.slice(0, limit);
    if (batch.length === 0) return { kind: 'idle' };
    try {
      await publish(batch);
    } catch (error) {
      this.failures += 1;
      return { kind: 'failed', count: batch.length, error: error as Error };
    }
    this.pending = this.pending.slice(batch.length);
    this.published.push(...batch);
    return { kind: 'published', count: batch.length };
  }

  async countPending() {
    return this.pending.length;
  }
}

function relayOver(outbox: InMemoryOutbox, publish: PublishMessages, batchSize = 10) {
  return createOutboxRelay({
    store: outbox,
    publish,
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

  it('keeps messages pending when Kafka fails, ignores wakes until a sweep succeeds, drains on stop', async () => {
    const outbox = new InMemoryOutbox();
    outbox.add(3);
    let kafkaUp = false;
    const relay = relayOver(outbox, async () => {
      if (!kafkaUp) throw new Error('broker unreachable');
    });
    relay.wake();
    await relay.idle();
    assert.equal(outbox.pending.length, 3);
    assert.equal(outbox.failures, 1);

    relay.wake();
    await relay.idle();
    assert.equal(outbox.failures, 1, 'a wake does not retry a failing broker');

    kafkaUp = true;
    await relay.stop();
    assert.equal(outbox.pending.length, 0, 'stop publishes what is still pending');
  });
});
