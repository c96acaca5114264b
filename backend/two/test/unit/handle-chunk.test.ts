import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { createLogger } from '@pkg/logger';
import { Writable } from 'node:stream';
import { handleChunk, type ChunkHandlerDeps, type IncomingMessage } from '../../src/consumer/handle-chunk.js';
import {
  combinePerId,
  type DeliveryRecord,
  type DeliveryStore,
  type FinishedDelivery,
} from '../../src/deliveries/delivery-store.js';
import type { DeliveryResult } from '../../src/third-party/deliver-to-three.js';

const NOW = new Date('2026-11-21T15:00:00.000Z');

/** Rows and their lease owners; `leasedTo` starts some requests leased by another instance. */
function memoryStore(rows: DeliveryRecord[] = [], leasedTo = new Map<string, string>()) {
  const table = new Map(rows.map((row) => [row.requestId, row]));
  const finished: FinishedDelivery[] = [];
  const claims: string[] = [];
  const store: DeliveryStore = {
    async claim(ids, _seenAt, lease) {
      claims.push(...ids);
      const claimed = new Map<string, DeliveryRecord & { leased: boolean }>();
      for (const id of ids) {
        if (!table.has(id))
          table.set(id, { requestId: id, status: 'PENDING', attempts: 0, deliveredAt: null });
        const row = table.get(id)!;
        const free = (leasedTo.get(id) ?? lease.owner) === lease.owner;
        const leased = row.status !== 'DELIVERED' && free;
        if (leased) leasedTo.set(id, lease.owner);
        claimed.set(id, { ...row, leased });
      }
      return claimed;
    },
    async renew(ids, lease) {
      return new Set(ids.filter((id) => leasedTo.get(id) === lease.owner));
    },
    async release(ids, owner) {
      for (const id of ids) if (leasedTo.get(id) === owner) leasedTo.delete(id);
    },
    async finish(deliveries, owner) {
      finished.push(...deliveries);
      for (const { requestId } of deliveries)
        if (leasedTo.get(requestId) === owner) leasedTo.delete(requestId);
    },
    find: async (id) => table.get(id),
    ping: async () => {},
  };
  return { store, finished, table, leasedTo, claims };
}

function deps(
  store: DeliveryStore,
  results: DeliveryResult[] = [{ delivered: true, attempts: 1, status: 200 }],
) {
  const delivered: string[] = [];
  const handlerDeps: ChunkHandlerDeps = {
    store,
    delivery: {
      async deliver(_body, requestId) {
        delivered.push(requestId);
        return results[Math.min(delivered.length - 1, results.length - 1)]!;
      },
    },
    topics: { results: 'three-result', deadLetters: 'one-request.dlq' },
    clock: () => NOW,
    logger: createLogger({ service: 'two', stream: new Writable({ write: (_c, _e, done) => done() }) }),
    metrics: {
      messageHandled() {},
      retried() {},
      deliveryPaused() {},
      tokenFetched() {},
      deadLettered() {},
      thirdPartyCalled() {},
    },
    tracer: trace.getTracer('test'),
    lease: { owner: 'this-instance', callBoundMs: 200 },
  };
  return { handlerDeps, delivered };
}

let offset = 0;
function message(id: string, value: unknown = accepted(id)): IncomingMessage {
  offset += 1;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return {
    topic: 'one-request',
    partition: 0,
    offset: String(offset),
    key: Buffer.from(id),
    value: Buffer.from(text),
    headers: {},
  };
}
function accepted(id: string) {
  return {
    version: 1,
    type: 'one.request.accepted',
    request_id: id,
    user_id: 'u',
    prompt: 'p',
    data: [],
    accepted_at: NOW.toISOString(),
  };
}
const json = (value: unknown) => JSON.parse(String(value)) as Record<string, unknown>;

describe('handleChunk', () => {
  it('delivers each request, records it, and returns its DELIVERED result', async () => {
    const { store, finished } = memoryStore();
    const { handlerDeps, delivered } = deps(store);
    const outgoing = await handleChunk(handlerDeps, [message('101'), message('102')]);
    assert.deepEqual(delivered.sort(), ['101', '102']);
    assert.deepEqual(finished.map((f) => [f.requestId, f.status]).sort(), [
      ['101', 'DELIVERED'],
      ['102', 'DELIVERED'],
    ]);
    assert.deepEqual(
      outgoing.map((o) => o.topic),
      ['three-result', 'three-result'],
    );
    assert.deepEqual(json(outgoing[0]!.message.value), {
      request_id: delivered[0],
      status: 'DELIVERED',
      attempts: 1,
      delivered_at: NOW.toISOString(),
    });
  });

  it('does not call the third party for a request already delivered, and publishes its result again', async () => {
    const { store, finished } = memoryStore([
      { requestId: '101', status: 'DELIVERED', attempts: 2, deliveredAt: NOW },
    ]);
    const { handlerDeps, delivered } = deps(store);
    const outgoing = await handleChunk(handlerDeps, [message('101')]);
    assert.deepEqual(delivered, []);
    assert.deepEqual(finished, []);
    assert.equal(json(outgoing[0]!.message.value).attempts, 2);
  });

  it('delivers a request that appears twice in one chunk only once', async () => {
    const { store } = memoryStore();
    const { handlerDeps, delivered } = deps(store);
    const outgoing = await handleChunk(handlerDeps, [message('101'), message('101')]);
    assert.deepEqual(delivered, ['101']);
    assert.equal(outgoing.length, 2);
  });

  it('dead-letters what cannot be decoded, with the reason, and goes on', async () => {
    const { store } = memoryStore();
    const { handlerDeps, delivered } = deps(store);
    const outgoing = await handleChunk(handlerDeps, [message('101', 'not json'), message('102')]);
    assert.deepEqual(delivered, ['102']);
    const letter = outgoing.find((o) => o.topic === 'one-request.dlq')!;
    assert.equal(String(letter.message.value), 'not json');
    assert.equal(letter.message.headers?.['dlq-reason'], 'invalid-message');
  });

  it('dead-letters a request the third party refused, records FAILED and returns a FAILED result', async () => {
    const { store, finished } = memoryStore();
    const refused: DeliveryResult = {
      delivered: false,
      reason: 'permanent-error',
      attempts: 1,
      status: 400,
      error: 'third party answered 400',
    };
    const { handlerDeps } = deps(store, [refused]);
    const outgoing = await handleChunk(handlerDeps, [message('101')]);
    assert.deepEqual(
      outgoing.map((o) => o.topic),
      ['one-request.dlq', 'three-result'],
    );
    assert.equal(outgoing[0]!.message.headers?.['dlq-attempts'], '1');
    assert.deepEqual(json(outgoing[1]!.message.value), {
      request_id: '101',
      status: 'FAILED',
      attempts: 1,
      error: 'third party answered 400',
    });
    assert.equal(finished[0]?.status, 'FAILED');
  });

  it('on abort stores the outcomes that completed, then rejects so nothing of the chunk is committed', async () => {
    const { store, finished } = memoryStore();
    const { handlerDeps } = deps(store);
    const controller = new AbortController();
    handlerDeps.delivery = {
      async deliver(_body, requestId, signal) {
        if (requestId === '101') return { delivered: true, attempts: 1, status: 200 };
        controller.abort(); // SIGTERM while 102 waits out a Retry-After
        signal?.throwIfAborted();
        throw new Error('the signal was not passed on');
      },
    };
    await assert.rejects(handleChunk(handlerDeps, [message('101'), message('102')], controller.signal), {
      name: 'AbortError',
    });
    assert.deepEqual(
      finished.map((f) => [f.requestId, f.status]),
      [['101', 'DELIVERED']],
    );
  });
});

describe('handleChunk with another instance delivering the same request (leases)', () => {
  it('does not call while another instance holds the lease, and skips the request once that one delivered it', async () => {
    const { store, table, leasedTo } = memoryStore([], new Map([['101', 'other-instance']]));
    const { handlerDeps, delivered } = deps(store);
    const handling = handleChunk(handlerDeps, [message('101'), message('102')]);
    // The other instance finishes its call and stores DELIVERED a moment later.
    setTimeout(() => {
      table.set('101', { requestId: '101', status: 'DELIVERED', attempts: 1, deliveredAt: NOW });
      leasedTo.delete('101');
    }, 300);
    const outgoing = await handling;
    assert.deepEqual(delivered, ['102'], 'only the request this instance leased was called');
    assert.equal(outgoing.length, 2, 'both results are published, 101 from the stored delivery');
    assert.equal(leasedTo.size, 0, 'no lease is left behind');
  });

  it('waits too when its claim did not see the row: another instance inserted it in the same moment', async () => {
    const { store, table, leasedTo } = memoryStore([], new Map([['101', 'other-instance']]));
    const claim = store.claim.bind(store);
    let first = true;
    store.claim = async (ids, seenAt, lease) => {
      const claimed = await claim(ids, seenAt, lease);
      if (first) claimed.delete('101'); // that row was not in this statement's snapshot
      first = false;
      return claimed;
    };
    const { handlerDeps, delivered } = deps(store);
    const handling = handleChunk(handlerDeps, [message('101')]);
    setTimeout(() => {
      table.set('101', { requestId: '101', status: 'DELIVERED', attempts: 1, deliveredAt: NOW });
      leasedTo.delete('101');
    }, 300);
    await handling;
    assert.deepEqual(delivered, []);
  });

  it('delivers the request itself once the other lease ended without a delivery', async () => {
    const { store, leasedTo } = memoryStore([], new Map([['101', 'other-instance']]));
    const { handlerDeps, delivered } = deps(store);
    const handling = handleChunk(handlerDeps, [message('101')]);
    setTimeout(() => leasedTo.delete('101'), 300); // that instance stopped (released) or its lease expired
    await handling;
    assert.deepEqual(delivered, ['101']);
  });

  it('abandons the chunk, stores nothing more and calls nothing more, when its lease is taken over', async () => {
    const { store, finished, leasedTo } = memoryStore();
    const { handlerDeps, delivered } = deps(store);
    handlerDeps.delivery = {
      async deliver(_body, requestId, signal) {
        delivered.push(requestId);
        leasedTo.set(requestId, 'other-instance'); // e.g. expired while this process was frozen
        await new Promise((resolve) => setTimeout(resolve, 2_000).unref());
        signal?.throwIfAborted(); // a real delivery checks before each call
        delivered.push(`${requestId} again`);
        return { delivered: true, attempts: 2, status: 200 };
      },
    };
    await assert.rejects(handleChunk(handlerDeps, [message('101')]), /taken over/);
    assert.deepEqual(delivered, ['101']);
    assert.deepEqual(finished, []);
  });

  it('releases the leases of a chunk abandoned on stop, so the next owner need not wait for them to expire', async () => {
    const { store, leasedTo } = memoryStore();
    const { handlerDeps } = deps(store);
    const controller = new AbortController();
    handlerDeps.delivery = {
      async deliver(_body, _requestId, signal) {
        controller.abort();
        signal?.throwIfAborted();
        throw new Error('the signal was not passed on');
      },
    };
    await assert.rejects(handleChunk(handlerDeps, [message('101')], controller.signal), {
      name: 'AbortError',
    });
    assert.equal(leasedTo.size, 0);
  });
});

describe('combinePerId', () => {
  const outcome = (status: 'DELIVERED' | 'FAILED', attempts: number, id = '101'): FinishedDelivery => ({
    requestId: id,
    status,
    attempts,
    thirdPartyStatus: status === 'DELIVERED' ? 200 : 500,
    lastError: status === 'DELIVERED' ? null : 'third party answered 500',
    at: NOW,
  });

  it('keeps one outcome per id: DELIVERED wins in either order, the calls add up', () => {
    for (const order of [
      [outcome('FAILED', 3), outcome('DELIVERED', 1)],
      [outcome('DELIVERED', 1), outcome('FAILED', 3)],
    ]) {
      const [combined, ...rest] = combinePerId([...order, outcome('FAILED', 2, '102')]);
      assert.deepEqual(combined, { ...outcome('DELIVERED', 1), attempts: 4 });
      assert.deepEqual(rest, [outcome('FAILED', 2, '102')]);
    }
  });
});
