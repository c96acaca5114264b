import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { databaseUrl } from '@pkg/testkit';
import { createDeliveryDatabase } from '../../src/deliveries/database.js';
import { query } from './database.js';
import type { FinishedDelivery } from '../../src/deliveries/delivery-store.js';
import { createPostgresDeliveryStore } from '../../src/deliveries/postgres-delivery-store.js';
import { newRequestId } from './kafka-fixture.js';
import type { TwoWorld } from './world.js';

const DELIVERED_AT = new Date('2026-11-21T15:00:00.000Z');
const LEASE = { owner: 'store-scenario', durationMs: 30_000 };

/** The real store on the scenario database, for one statement, then closed. */
async function withStore<T>(
  world: TwoWorld,
  use: (store: ReturnType<typeof createPostgresDeliveryStore>) => Promise<T>,
) {
  const database = createDeliveryDatabase({ databaseUrl: databaseUrl(world.infra, 'two'), poolSize: 1 });
  try {
    return await use(createPostgresDeliveryStore(database));
  } finally {
    await database.close();
  }
}

function outcome(
  requestId: string,
  status: 'DELIVERED' | 'FAILED',
  attempts: number,
  at = DELIVERED_AT,
): FinishedDelivery {
  return {
    requestId,
    status,
    attempts,
    thirdPartyStatus: status === 'DELIVERED' ? 200 : 500,
    lastError: status === 'DELIVERED' ? null : 'third party answered 500',
    at,
  };
}

Given('a request seen for the first time', async function (this: TwoWorld) {
  const id = newRequestId();
  this.requestIds.push(id);
  await withStore(this, (store) => store.claim([id], DELIVERED_AT, LEASE));
});

Given(
  "a request stored as DELIVERED after {int} attempt with the third party's status {int}",
  async function (this: TwoWorld, attempts: number, _status: number) {
    const id = newRequestId();
    this.requestIds.push(id);
    await withStore(this, async (store) => {
      await store.claim([id], DELIVERED_AT, LEASE);
      await store.finish([outcome(id, 'DELIVERED', attempts)]);
    });
  },
);

When(
  'a FAILED outcome after {int} attempts with status {int} is stored for it',
  async function (this: TwoWorld, attempts: number, _status: number) {
    const later = new Date(DELIVERED_AT.getTime() + 60_000);
    await withStore(this, (store) => store.finish([outcome(this.lastRequestId, 'FAILED', attempts, later)]));
  },
);

When('the outcomes {string} are stored for it in one chunk', async function (this: TwoWorld, list: string) {
  const outcomes = list
    .split(', ')
    .map((status) =>
      outcome(this.lastRequestId, status as 'DELIVERED' | 'FAILED', status === 'DELIVERED' ? 1 : 3),
    );
  await withStore(this, (store) => store.finish(outcomes));
});

Then(
  'the request is still DELIVERED with status {int}, its delivery time unchanged, after {int} attempts',
  async function (this: TwoWorld, status: number, attempts: number) {
    const row = await withStore(this, (store) => store.find(this.lastRequestId));
    assert.equal(row?.status, 'DELIVERED');
    assert.equal(row?.attempts, attempts);
    assert.equal(row?.deliveredAt?.toISOString(), DELIVERED_AT.toISOString());
    const { rows } = await query(
      this,
      'SELECT third_party_status, last_error FROM delivery WHERE request_id = $1',
      [this.lastRequestId],
    );
    assert.deepEqual(rows[0], { third_party_status: status, last_error: null });
  },
);

Then('the request is DELIVERED after {int} attempts', async function (this: TwoWorld, attempts: number) {
  const row = await withStore(this, (store) => store.find(this.lastRequestId));
  assert.equal(row?.status, 'DELIVERED');
  assert.equal(row?.attempts, attempts);
  assert.equal(row?.deliveredAt?.toISOString(), DELIVERED_AT.toISOString());
});
