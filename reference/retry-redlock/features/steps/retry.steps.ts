import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { After, AfterAll, Before, BeforeAll, Given, setDefaultTimeout, Then, When } from '@cucumber/cucumber';
import { Redis } from 'ioredis';
import pg from 'pg';
import Redlock from 'redlock';
import { createDeliveryRepository } from '../../src/deliveries.js';
import { createRetryJob, type RetryEvent, type RetryJob } from '../../src/retry-job.js';
import { eventually } from './eventually.js';

function endpoint(name: 'DATABASE_URL' | 'REDIS_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run \`make infra-up\` (it exports the endpoints) first`);
  return value;
}

// Above eventually()'s own 10 s bound, so a slow run fails with its message, not a step timeout.
setDefaultTimeout(20_000);

let pool: pg.Pool;
BeforeAll(function () {
  pool = new pg.Pool({ connectionString: endpoint('DATABASE_URL'), max: 10 });
  endpoint('REDIS_URL');
});
AfterAll(async function () {
  await pool.end();
});

interface RetryWorld {
  table: string;
  lockPrefix: string;
  redisClients: Redis[];
  jobs: RetryJob[];
  /** Every deliver() call, by item id and instance: the proof of "exactly once". */
  deliveredBy: Map<string, string[]>;
  events: RetryEvent[];
}

Before(function (this: RetryWorld) {
  // Own table and own lock namespace: scenarios never share data or locks.
  const suffix = randomBytes(6).toString('hex');
  this.table = `failed_deliveries_${suffix}`;
  this.lockPrefix = `test:retry:${suffix}`;
  this.redisClients = [];
  this.jobs = [];
  this.deliveredBy = new Map();
  this.events = [];
});

After(async function (this: RetryWorld) {
  await Promise.all(this.jobs.map((job) => job.stop()));
  this.redisClients.forEach((client) => client.disconnect());
  await pool.query(`DROP TABLE IF EXISTS ${this.table}`);
});

function newInstance(world: RetryWorld, name: string, lockTtlMs = 2_000): RetryJob {
  const redis = new Redis(endpoint('REDIS_URL'), { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  world.redisClients.push(redis);
  const redlock = new Redlock([redis], { retryCount: 0 });
  redlock.on('error', () => {});
  const job = createRetryJob({
    locks: redlock,
    deliveries: createDeliveryRepository(pool, world.table),
    lockPrefix: world.lockPrefix,
    lockTtlMs,
    batchSize: 100,
    deliver: async (item) => {
      world.deliveredBy.set(item.id, [...(world.deliveredBy.get(item.id) ?? []), name]);
      // A real redelivery takes a while; the yield lets the replicas interleave.
      await new Promise((resolve) => setImmediate(resolve));
    },
    onEvent: (event) => world.events.push(event),
  });
  world.jobs.push(job);
  return job;
}

Given(
  'a deliveries table of its own in PostgreSQL and a Redis for the locks',
  async function (this: RetryWorld) {
    await pool.query(`CREATE TABLE ${this.table} (
    id text PRIMARY KEY, status text NOT NULL, attempts integer NOT NULL DEFAULT 0,
    last_error text, updated_at timestamptz NOT NULL DEFAULT now())`);
  },
);

Given(/^(\d+) failed deliver(?:y|ies)$/, async function (this: RetryWorld, count: string) {
  await pool.query(
    `INSERT INTO ${this.table} (id, status) SELECT 'delivery-' || n, 'failed' FROM generate_series(1, $1) n`,
    [Number(count)],
  );
});

When('{int} retry job instances run on an interval', function (this: RetryWorld, count: number) {
  for (let i = 1; i <= count; i += 1) newInstance(this, `instance-${i}`).start(20);
});

Then('every delivery is eventually delivered', async function (this: RetryWorld) {
  await eventually(
    async () => {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM ${this.table} WHERE status = 'failed'`,
      );
      assert.equal(rows[0].n, 0);
    },
    { message: 'failed deliveries remain' },
  );
});

Then('every delivery was retried exactly once', async function (this: RetryWorld) {
  const { rows } = await pool.query<{ id: string; attempts: number }>(
    `SELECT id, attempts FROM ${this.table}`,
  );
  assert.equal(rows.length, 50);
  for (const row of rows) {
    assert.equal(
      this.deliveredBy.get(row.id)?.length,
      1,
      `${row.id}: ${this.deliveredBy.get(row.id)?.join(', ')}`,
    );
    assert.equal(row.attempts, 1, row.id);
  }
  const instances = new Set([...this.deliveredBy.values()].flat());
  assert.ok(instances.size >= 1);
});

Given(
  "an instance took the item's lock with a {int} ms lifetime and then died",
  async function (this: RetryWorld, ttlMs: number) {
    const redis = new Redis(endpoint('REDIS_URL'));
    const redlock = new Redlock([redis], { retryCount: 0 });
    await redlock.acquire([`${this.lockPrefix}:delivery-1`], ttlMs);
    // Dying = no release, no extension: the connection just goes away with the lock still set.
    redis.disconnect();
  },
);

When('another retry job instance runs once', async function (this: RetryWorld) {
  await newInstance(this, 'survivor').runOnce();
});

Then('that instance skipped the item because it is locked', function (this: RetryWorld) {
  assert.deepEqual(this.events, [{ type: 'skipped', id: 'delivery-1', reason: 'locked' }]);
  assert.equal(this.deliveredBy.size, 0);
});

Then(
  'the item is eventually delivered by that instance after the lock expired',
  async function (this: RetryWorld) {
    const [survivor] = this.jobs;
    assert.ok(survivor);
    await eventually(
      async () => {
        await survivor.runOnce();
        assert.deepEqual(this.deliveredBy.get('delivery-1'), ['survivor']);
      },
      { message: 'the survivor never took the item' },
    );
    const { rows } = await pool.query(`SELECT status FROM ${this.table} WHERE id = 'delivery-1'`);
    assert.equal(rows[0].status, 'delivered');
  },
);
