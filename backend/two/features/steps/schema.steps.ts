import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { After, Given, Then, When } from '@cucumber/cucumber';
import { databaseUrl, infrastructureFromEnv, uniqueId } from '@pkg/testkit';
import pg from 'pg';
import { createPrismaClient } from '../../src/deliveries/prisma-client.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { applyMigrations, readMigrations, type MigrationResult } from '@pkg/migrate';

const MIGRATIONS = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

interface SchemaWorld {
  database: string;
  url: string;
  firstRun: MigrationResult;
}

async function onServer<T>(run: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(infrastructureFromEnv(), database) });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

Given('a fresh, empty database', async function (this: SchemaWorld) {
  this.database = uniqueId('two_schema').replace(/-/g, '_');
  this.url = databaseUrl(infrastructureFromEnv(), this.database);
  await onServer((client) => client.query(`CREATE DATABASE "${this.database}"`));
});

After({ tags: '@schema' }, async function (this: SchemaWorld) {
  if (this.database)
    await onServer((client) => client.query(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`));
});

When("two's migrations are applied to it offline", async function (this: SchemaWorld) {
  this.firstRun = await applyMigrations({ databaseUrl: this.url, migrationsDir: MIGRATIONS });
});

Then(
  'every field of the Prisma model {word} is a column of table {string}, and nothing else is',
  async function (this: SchemaWorld, model: string, table: string) {
    const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[
      `${model}ScalarFieldEnum`
    ];
    assert.ok(fields, `no Prisma model ${model}`);
    const { rows } = await onServer(
      (client) =>
        client.query<{ column_name: string }>(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
          [table],
        ),
      this.database,
    );
    // The schema maps every camelCase field to its snake_case column (@map).
    const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    assert.deepEqual(rows.map((row) => row.column_name).sort(), Object.values(fields).map(snake).sort());
  },
);

Then(
  'the Prisma client can write and read back every field of a delivery, empty ones included',
  async function (this: SchemaWorld) {
    const prisma = createPrismaClient({ databaseUrl: this.url, poolSize: 1 });
    try {
      const empty = await prisma.delivery.create({ data: { requestId: '1' } });
      assert.deepEqual(
        {
          status: empty.status,
          attempts: empty.attempts,
          lastError: empty.lastError,
          deliveredAt: empty.deliveredAt,
        },
        { status: 'PENDING', attempts: 0, lastError: null, deliveredAt: null },
      );
      const full = {
        requestId: '2',
        status: 'FAILED' as const,
        attempts: 3,
        lastError: 'third party answered 500',
        thirdPartyStatus: 500,
        firstSeenAt: new Date('2026-01-01T00:00:00.123Z'),
        deliveredAt: new Date('2026-01-01T00:00:01.456Z'),
        deadLetterReason: 'attempts-exhausted',
        deadLetteredFrom: 'one-request/2/41',
        leaseOwner: 'two-host/instance',
        leaseUntil: new Date('2026-01-01T00:00:31.789Z'),
      };
      await prisma.delivery.create({ data: full });
      const read = await prisma.delivery.findUniqueOrThrow({ where: { requestId: '2' } });
      assert.deepEqual({ ...read, updatedAt: undefined }, { ...full, updatedAt: undefined });
      for (const status of ['PENDING', 'DELIVERED', 'FAILED'] as const) {
        await prisma.delivery.update({ where: { requestId: '2' }, data: { status } });
      }
    } finally {
      await prisma.$disconnect();
    }
  },
);

Then(
  'the migrations are recorded in {string} as Prisma records them',
  async function (this: SchemaWorld, table: string) {
    const migrations = await readMigrations(MIGRATIONS);
    const { rows } = await onServer(
      (client) =>
        client.query(
          `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM "${table}" ORDER BY migration_name`,
        ),
      this.database,
    );
    assert.equal(rows.length, migrations.length);
    for (const [index, migration] of migrations.entries()) {
      const sql = await readFile(`${MIGRATIONS}/${migration.name}/migration.sql`);
      assert.equal(rows[index].migration_name, migration.name);
      assert.equal(rows[index].checksum, createHash('sha256').update(sql).digest('hex'));
      assert.ok(rows[index].finished_at instanceof Date);
      assert.equal(rows[index].rolled_back_at, null);
      assert.equal(rows[index].applied_steps_count, 1);
    }
    assert.deepEqual(
      this.firstRun.applied,
      migrations.map((m) => m.name),
    );
  },
);

Then('applying the migrations again changes nothing', async function (this: SchemaWorld) {
  const again = await applyMigrations({ databaseUrl: this.url, migrationsDir: MIGRATIONS });
  assert.deepEqual(again.applied, []);
  assert.equal(again.alreadyApplied.length, this.firstRun.applied.length);
});
