import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryRepository } from '../../src/deliveries.js';
import { createRetryJob, type HeldLock, type LockService, type RetryEvent } from '../../src/retry-job.js';

function fakeDeliveries(ids: string[], stillFailed = new Set(ids)) {
  const delivered: string[] = [];
  const repo: DeliveryRepository = {
    listFailed: async () => ids.map((id) => ({ id, attempts: 0 })),
    isFailed: async (id) => stillFailed.has(id),
    markDelivered: async (id) => void delivered.push(id),
    recordFailedAttempt: async () => {},
  };
  return { repo, delivered };
}

function fakeLocks(options: { taken?: string[]; releaseFails?: boolean } = {}) {
  const released: string[] = [];
  const locks: LockService = {
    async acquire([key]) {
      if (key === undefined || options.taken?.some((id) => key.endsWith(`:${id}`))) throw new Error('locked');
      const lock: HeldLock = {
        release: async () => {
          released.push(key);
          if (options.releaseFails) throw new Error('redis went away');
        },
        extend: async () => lock,
      };
      return lock;
    },
  };
  return { locks, released };
}

describe('createRetryJob', () => {
  it('skips an item another replica holds and retries the rest', async () => {
    const { repo, delivered } = fakeDeliveries(['a', 'b']);
    const events: RetryEvent[] = [];
    const job = createRetryJob({
      locks: fakeLocks({ taken: ['a'] }).locks,
      deliveries: repo,
      deliver: async () => {},
      onEvent: (e) => events.push(e),
    });
    await job.runOnce();
    assert.deepEqual(delivered, ['b']);
    assert.deepEqual(events[0], { type: 'skipped', id: 'a', reason: 'locked' });
  });

  it('re-checks after locking and leaves an item another replica already delivered', async () => {
    const { repo, delivered } = fakeDeliveries(['a'], new Set());
    const { locks, released } = fakeLocks();
    let calls = 0;
    await createRetryJob({ locks, deliveries: repo, deliver: async () => void calls++ }).runOnce();
    assert.equal(calls, 0);
    assert.deepEqual(delivered, []);
    assert.equal(released.length, 1, 'the lock is released on the early return too');
  });

  it('survives a failed release and a failed delivery, releasing every lock', async () => {
    const { repo, delivered } = fakeDeliveries(['a', 'b']);
    const { locks, released } = fakeLocks({ releaseFails: true });
    const events: RetryEvent[] = [];
    const job = createRetryJob({
      locks,
      deliveries: repo,
      deliver: async (item) => {
        if (item.id === 'a') throw new Error('third party down');
      },
      onEvent: (e) => events.push(e),
    });
    await job.runOnce();
    assert.deepEqual(delivered, ['b']);
    assert.equal(released.length, 2);
    assert.deepEqual(
      events.map((e) => e.type),
      ['retried', 'release-failed', 'retried', 'release-failed'],
    );
  });
});
