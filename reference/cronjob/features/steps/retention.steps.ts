import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { After, AfterAll, Before, BeforeAll, type DataTable, Given, Then, When } from '@cucumber/cucumber';
import pg from 'pg';
import { purgeExpiredRequests, type RetentionOptions, type RetentionResult } from '../../src/retention.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// A fixed "now" makes ages exact: the job and the rows use the same clock.
const NOW = new Date('2025-06-01T03:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

let pool: pg.Pool;

BeforeAll(function () {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set: run `make infra-up` (it exports the endpoints) first');
  pool = new pg.Pool({ connectionString: url, max: 6 });
});
AfterAll(async function () {
  await pool.end();
});

interface RetentionWorld {
  table: string;
  options: RetentionOptions;
  batches: number[];
  result?: RetentionResult;
  first?: Promise<RetentionResult>;
  second?: RetentionResult;
  releaseFirst?: () => void;
}

Before(function (this: RetentionWorld) {
  // Every scenario gets its own tables, so scenarios never see or wipe each other's rows.
  this.table = `retention_test_${randomBytes(6).toString('hex')}`;
  this.batches = [];
});

After(async function (this: RetentionWorld) {
  this.releaseFirst?.();
  await this.first?.catch(() => undefined);
  await pool.query(`DROP TABLE IF EXISTS ${this.table}, ${this.table}_archive`);
});

Given(
  'a requests table of its own with a retention of {int} days and final states {string}',
  async function (this: RetentionWorld, days: number, statuses: string) {
    await pool.query(`CREATE TABLE ${this.table} (
      id text PRIMARY KEY, status text NOT NULL, payload jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);
    await pool.query(
      `CREATE TABLE ${this.table}_archive (LIKE ${this.table}, archived_at timestamptz NOT NULL)`,
    );
    this.options = {
      table: this.table,
      archiveTable: `${this.table}_archive`,
      mode: 'delete',
      retentionMs: days * DAY_MS,
      finalStatuses: statuses.split(','),
      batchSize: 1000,
      now: () => NOW,
      onBatch: (rows) => void this.batches.push(rows),
    };
  },
);

async function insert(table: string, rows: { id: string; status: string; updatedAt: Date }[]) {
  for (const row of rows) {
    await pool.query(`INSERT INTO ${table} (id, status, created_at, updated_at) VALUES ($1, $2, $3, $3)`, [
      row.id,
      row.status,
      row.updatedAt,
    ]);
  }
}

Given('these requests:', async function (this: RetentionWorld, table: DataTable) {
  const rows = table.hashes().map((row) => ({
    id: row['id'] ?? '',
    status: row['status'] ?? '',
    updatedAt: daysAgo(Number(/^(\d+) days ago$/.exec(row['last updated'] ?? '')?.[1])),
  }));
  await insert(this.table, rows);
});

Given(
  '{int} completed requests last updated {int} days ago',
  async function (this: RetentionWorld, count: number, days: number) {
    const rows = Array.from({ length: count }, (_, i) => ({
      id: `r-${i}`,
      status: 'completed',
      updatedAt: daysAgo(days),
    }));
    await insert(this.table, rows);
  },
);

When(
  /^the retention job runs in (delete|archive) mode(?: with batches of (\d+))?$/,
  async function (this: RetentionWorld, mode: 'delete' | 'archive', batchSize?: string) {
    this.result = await purgeExpiredRequests(pool, {
      ...this.options,
      mode,
      batchSize: batchSize ? Number(batchSize) : this.options.batchSize,
    });
  },
);

Given(
  'a run of the job is in progress and paused after its first batch of {int}',
  async function (this: RetentionWorld, batchSize: number) {
    const paused = new Promise<void>((resolvePaused) => {
      const gate = new Promise<void>((release) => (this.releaseFirst = release));
      this.first = purgeExpiredRequests(pool, {
        ...this.options,
        batchSize,
        onBatch: async (rows) => {
          if (this.batches.push(rows) === 1) {
            resolvePaused();
            await gate; // holds the run (and its lock) until the scenario lets it go
          }
        },
      });
      // If the run fails before its first batch, surface that instead of waiting forever.
      this.first.catch(() => resolvePaused());
    });
    await paused;
    assert.deepEqual(this.batches, [batchSize]);
  },
);

When('a second run starts', async function (this: RetentionWorld) {
  this.second = await purgeExpiredRequests(pool, this.options);
});

Then('the second run is skipped', function (this: RetentionWorld) {
  assert.deepEqual(this.second, { skipped: true });
});

When('the first run is allowed to finish', async function (this: RetentionWorld) {
  this.releaseFirst?.();
  this.result = await this.first;
});

Then(
  /^the (?:job|first run) reports (\d+) rows(?: in (\d+) batches)?$/,
  function (this: RetentionWorld, rows: string, batches?: string) {
    assert.deepEqual(this.result, { skipped: false, rows: Number(rows), cutoff: daysAgo(30) });
    if (batches) assert.equal(this.batches.length, Number(batches));
  },
);

async function idsIn(table: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`);
  return rows.map((row) => row.id).join(', ');
}

Then('the table holds {string}', async function (this: RetentionWorld, ids: string) {
  assert.equal(await idsIn(this.table), ids);
});

Then('the archive holds {string}', async function (this: RetentionWorld, ids: string) {
  assert.equal(await idsIn(`${this.table}_archive`), ids);
});
