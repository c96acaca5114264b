import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { After, Given, Then, When, type DataTable } from '@cucumber/cucumber';
import pg from 'pg';
import { applyMigrations, readMigrations, rollbackMigrations } from '../../src/index.js';

// The real migrations of each service, as its migrate command applies them.
const SERVICE_MIGRATIONS: Record<string, string> = {
  one: fileURLToPath(new URL('../../../../one/prisma/migrations', import.meta.url)),
  two: fileURLToPath(new URL('../../../../two/prisma/migrations', import.meta.url)),
};

interface RollbackWorld {
  database?: string;
  url: string;
  migrationsDir: string;
  fixtureDir?: string;
  firstSchema: SchemaSnapshot;
}

// POSTGRES_URL is read here rather than through @pkg/testkit, which would be this library's only
// development dependency; the Makefile and the component-test runner both set it.
function serverUrl(database: string): string {
  const postgres = process.env.POSTGRES_URL;
  if (!postgres) throw new Error('POSTGRES_URL is not set (the Makefile and npm run test:component set it)');
  return `${postgres.replace(/\/+$/, '')}/${database}`;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function freshDatabase(world: RollbackWorld, migrationsDir: string): Promise<void> {
  world.database = `migrate_rollback_${randomUUID().replaceAll('-', '')}`;
  world.url = serverUrl(world.database);
  world.migrationsDir = migrationsDir;
  await query(serverUrl('postgres'), `CREATE DATABASE "${world.database}"`);
  await applyMigrations({ databaseUrl: world.url, migrationsDir });
}

After({ tags: '@rollback' }, async function (this: RollbackWorld) {
  if (this.database)
    await query(serverUrl('postgres'), `DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
  if (this.fixtureDir) await rm(this.fixtureDir, { recursive: true, force: true });
});

/** Everything a migration can create in schema public, as text that compares equal when the schema is. */
type SchemaSnapshot = Record<string, string[]>;

const CATALOG: Record<string, string> = {
  relations: `SELECT concat_ws(' ', c.relname, c.relkind) FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`,
  columns: `SELECT concat_ws(' ', table_name, column_name, ordinal_position, data_type, udt_name, is_nullable,
                   column_default, character_maximum_length, numeric_precision, datetime_precision)
              FROM information_schema.columns WHERE table_schema = 'public'`,
  constraints: `SELECT concat_ws(' ', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
                  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'`,
  indexes: `SELECT concat_ws(' ', indexname, indexdef) FROM pg_indexes WHERE schemaname = 'public'`,
  types: `SELECT concat_ws(' ', t.typname, t.typtype, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder))
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_enum e ON e.enumtypid = t.oid
           WHERE n.nspname = 'public' GROUP BY t.typname, t.typtype`,
  functions: `SELECT concat_ws(' ', p.proname, pg_get_function_identity_arguments(p.oid))
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`,
  triggers: `SELECT concat_ws(' ', tgname, tgrelid::regclass) FROM pg_trigger WHERE NOT tgisinternal`,
};

async function schemaSnapshot(url: string): Promise<SchemaSnapshot> {
  const snapshot: SchemaSnapshot = {};
  for (const [kind, sql] of Object.entries(CATALOG)) {
    const rows = await query<Record<string, string>>(url, sql);
    snapshot[kind] = rows.map((row) => String(Object.values(row)[0])).sort();
  }
  return snapshot;
}

const list = (text: string) => text.split(',').map((item) => item.trim());

const appliedNames = (url: string) =>
  query<{ migration_name: string }>(
    url,
    'SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name',
  ).then((rows) => rows.map((row) => row.migration_name));

Given(
  "a fresh database migrated with {word}'s migrations",
  async function (this: RollbackWorld, service: string) {
    const dir = SERVICE_MIGRATIONS[service];
    assert.ok(dir, `no migrations known for service ${service}`);
    await freshDatabase(this, dir);
    this.firstSchema = await schemaSnapshot(this.url);
  },
);

Given(
  'a fresh database migrated with these migrations:',
  async function (this: RollbackWorld, table: DataTable) {
    this.fixtureDir = await mkdtemp(join(tmpdir(), 'migrations-'));
    for (const row of table.hashes()) {
      const folder = join(this.fixtureDir, row.name!);
      await mkdir(folder);
      await writeFile(join(folder, 'migration.sql'), `${row['migration.sql']}\n`);
      if (row['down.sql']) await writeFile(join(folder, 'down.sql'), `${row['down.sql']}\n`);
    }
    await freshDatabase(this, this.fixtureDir);
  },
);

When('every applied migration is rolled back', async function (this: RollbackWorld) {
  const steps = (await appliedNames(this.url)).length;
  assert.ok(steps > 0, 'something was applied');
  const result = await rollbackMigrations({
    databaseUrl: this.url,
    migrationsDir: this.migrationsDir,
    steps,
  });
  assert.deepEqual(result.stillApplied, []);
});

When(
  /^(\d+) applied migrations? (?:is|are) rolled back$/,
  async function (this: RollbackWorld, steps: string) {
    await rollbackMigrations({
      databaseUrl: this.url,
      migrationsDir: this.migrationsDir,
      steps: Number(steps),
    });
  },
);

When(
  /^rolling back (\d+) applied migrations? fails with "([^"]*)"$/,
  async function (this: RollbackWorld, steps: string, message: string) {
    await assert.rejects(
      rollbackMigrations({ databaseUrl: this.url, migrationsDir: this.migrationsDir, steps: Number(steps) }),
      (error: Error) => error.message.includes(message),
    );
  },
);

When('the migrations are applied again', async function (this: RollbackWorld) {
  await applyMigrations({ databaseUrl: this.url, migrationsDir: this.migrationsDir });
});

Then('the database holds nothing but an empty {string}', async function (this: RollbackWorld, table: string) {
  const schema = await schemaSnapshot(this.url);
  assert.deepEqual(schema.relations, [`${table} r`, `${table}_pkey i`]);
  assert.deepEqual(
    (schema.types ?? []).filter((type) => !type.startsWith(`${table} `) && !type.startsWith(`_${table} `)),
    [],
    'no type (enum) is left',
  );
  assert.deepEqual(schema.functions, []);
  assert.deepEqual(await appliedNames(this.url), []);
});

Then('the schema is identical to the one the first migration built', async function (this: RollbackWorld) {
  assert.deepEqual(await schemaSnapshot(this.url), this.firstSchema);
});

Then(
  'every migration is recorded in {string} once, as Prisma records it',
  async function (this: RollbackWorld, table: string) {
    const rows = await query<{ migration_name: string; checksum: string; finished: boolean; steps: number }>(
      this.url,
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count AS steps
         FROM "${table}" ORDER BY migration_name`,
    );
    const migrations = await readMigrations(this.migrationsDir);
    assert.deepEqual(
      rows.map((row) => [row.migration_name, row.checksum, row.finished, row.steps]),
      migrations.map((migration) => [migration.name, migration.checksum, true, 1]),
    );
  },
);

Then(
  'table {string} has the columns {string}',
  async function (this: RollbackWorld, table: string, columns: string) {
    const rows = await query<{ column_name: string }>(
      this.url,
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY ordinal_position`,
    );
    assert.deepEqual(
      rows.map((row) => row.column_name),
      list(columns),
    );
  },
);

Then('only {string} are recorded as applied', async function (this: RollbackWorld, names: string) {
  assert.deepEqual(await appliedNames(this.url), list(names));
});
