import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { databaseUrl, uniqueId } from '@pkg/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { WireMock } from 'wiremock-captain';
import type { SmokeWorld } from './world.js';

async function withPostgres<T>(world: SmokeWorld, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(world.infrastructure, 'reference') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

When('a row with a unique id is written to PostgreSQL', async function (this: SmokeWorld) {
  this.rowId = uniqueId('row');
  await withPostgres(this, async (client) => {
    await client.query(
      'CREATE TABLE IF NOT EXISTS infra_smoke (id text PRIMARY KEY, note text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
    );
    await client.query('INSERT INTO infra_smoke (id, note) VALUES ($1, $2)', [this.rowId, 'hello postgres']);
  });
  this.cleanups.push(() =>
    withPostgres(this, (client) => client.query('DELETE FROM infra_smoke WHERE id = $1', [this.rowId])),
  );
});

Then('reading that id from PostgreSQL returns the same row', async function (this: SmokeWorld) {
  const rows = await withPostgres(this, async (client) => {
    const result = await client.query<{ id: string; note: string }>(
      'SELECT id, note FROM infra_smoke WHERE id = $1',
      [this.rowId],
    );
    return result.rows;
  });
  assert.deepEqual(rows, [{ id: this.rowId, note: 'hello postgres' }]);
});

When(
  'a unique key is set in Redis with a {int} second expiry',
  async function (this: SmokeWorld, seconds: number) {
    this.redisKey = uniqueId('smoke');
    const redis = new Redis(this.infrastructure.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    this.cleanups.push(async () => {
      await redis.del(this.redisKey);
      redis.disconnect();
    });
    assert.equal(await redis.set(this.redisKey, 'hello redis', 'EX', seconds), 'OK');
  },
);

Then('Redis returns the value and a positive time to live for that key', async function (this: SmokeWorld) {
  const redis = new Redis(this.infrastructure.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    assert.equal(await redis.get(this.redisKey), 'hello redis');
    const ttl = await redis.ttl(this.redisKey);
    assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  } finally {
    redis.disconnect();
  }
});

Given(
  'a WireMock stub for GET on a unique path answering {int} with a JSON body',
  async function (this: SmokeWorld, status: number) {
    this.path = `/smoke/${uniqueId('stub')}`;
    const wiremock = new WireMock(this.infrastructure.wiremockUrl);
    const stub = await wiremock.register(
      { method: 'GET', endpoint: this.path },
      { status, body: { hello: 'wiremock' } },
    );
    this.cleanups.push(() => wiremock.deleteMapping(stub.id));
  },
);

When('the unique path is called once', async function (this: SmokeWorld) {
  const response = await fetch(`${this.infrastructure.wiremockUrl}${this.path}`);
  this.response = { status: response.status, body: await response.json() };
});

Then('the call receives the stubbed JSON body', function (this: SmokeWorld) {
  assert.deepEqual(this.response, { status: 200, body: { hello: 'wiremock' } });
});

Then(
  'WireMock has recorded exactly {int} request(s) to that path',
  async function (this: SmokeWorld, count: number) {
    const wiremock = new WireMock(this.infrastructure.wiremockUrl);
    assert.equal((await wiremock.getRequestsForAPI('GET', this.path)).length, count);
  },
);
