import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createResultHandler } from '../../src/results/result-consumer.js';
import { mayReplace } from '../../src/results/status-rules.js';
import type { RequestStatus } from '../../src/requests/request-store.js';
import { InMemoryRequestStore, noopMetrics, silentLogger } from './fakes.js';

describe('status rules', () => {
  const cases: [RequestStatus, number, 'DELIVERED' | 'FAILED', number, boolean][] = [
    ['ACCEPTED', 0, 'DELIVERED', 1, true],
    ['PUBLISHED', 0, 'FAILED', 5, true],
    ['FAILED', 5, 'DELIVERED', 6, true],
    ['FAILED', 5, 'FAILED', 6, true],
    ['FAILED', 5, 'FAILED', 5, false],
    ['FAILED', 5, 'FAILED', 3, false],
    ['DELIVERED', 2, 'FAILED', 9, false],
    ['DELIVERED', 2, 'DELIVERED', 3, false],
  ];
  for (const [status, attempts, event, eventAttempts, expected] of cases) {
    it(`${status} (${attempts} attempts) ${expected ? 'moves' : 'stays'} on ${event} after ${eventAttempts}`, () => {
      assert.equal(mayReplace({ status, attempts }, { status: event, attempts: eventAttempts }), expected);
    });
  }
});

describe('three-result handler', () => {
  const acceptedAt = new Date('2025-06-01T12:00:00Z');
  const received = new Date('2025-06-01T12:00:05Z');
  const message = (value: unknown) => ({
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    offset: '7',
  });

  async function handlerWithRequest() {
    const store = new InMemoryRequestStore();
    await store.accept(
      { id: '500', userId: 'u', prompt: 'p', data: [], acceptedAt },
      { eventId: '501', topic: 'one-request', key: '500', payload: {}, headers: {} },
    );
    const handle = createResultHandler({
      store,
      logger: silentLogger(),
      metrics: noopMetrics(),
      clock: () => received,
    });
    return { store, handle };
  }

  it('marks the request DELIVERED, and a stale FAILED afterwards changes nothing', async () => {
    const { store, handle } = await handlerWithRequest();
    await handle(
      message({ request_id: '500', status: 'DELIVERED', attempts: 2, delivered_at: '2025-06-01T12:00:03Z' }),
    );
    await handle(message({ request_id: '500', status: 'FAILED', attempts: 1, error: 'timeout' }));
    const stored = store.requests.get('500');
    assert.equal(stored?.status, 'DELIVERED');
    assert.equal(stored?.attempts, 2);
    assert.equal(stored?.completedAt?.toISOString(), '2025-06-01T12:00:03.000Z');
  });

  it('skips unreadable events without throwing, so the partition keeps moving', async () => {
    const { store, handle } = await handlerWithRequest();
    await handle(message('not json'));
    await handle(message({ request_id: '500', status: 'LOST', attempts: 1 }));
    assert.equal(store.requests.get('500')?.status, 'ACCEPTED');
  });

  it('refuses values no column can hold, so they never reach the database', async () => {
    const { store, handle } = await handlerWithRequest();
    let applied = 0;
    const applyResult = store.applyResult.bind(store);
    store.applyResult = async (...args) => {
      applied += 1;
      return applyResult(...args);
    };
    await handle(message({ request_id: '9223372036854775808', status: 'DELIVERED', attempts: 1 }));
    await handle(message({ request_id: '500', status: 'FAILED', attempts: 2 ** 31 }));
    await handle(message({ request_id: '500', status: 'FAILED', attempts: '2' }));
    assert.equal(applied, 0);
    await handle(message({ request_id: '500', status: 'FAILED', attempts: 2, error: 'bad\u0000 gateway' }));
    assert.equal(store.requests.get('500')?.lastError, 'bad gateway');
  });
});
