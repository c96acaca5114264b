import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Given, Then } from '@cucumber/cucumber';
import type pg from 'pg';
import { createLogger } from '@pkg/logger';
import { Writable } from 'node:stream';
import { createDatabase } from '../../src/database.js';
import { applyMigrations, readMigrations } from '@pkg/migrate';
import { createMigratedScratchDatabase, migrationsDir, withDatabase } from '../support/infrastructure.js';
import { expectedDataType, readPrismaSchema } from '../support/prisma-schema.js';
import type { OneWorld } from '../support/world.js';

const schema = readPrismaSchema(fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url)));
const scalarFields = (model: (typeof schema.models)[number]) =>
  model.fields.filter((field) => !field.list && !schema.models.some((other) => other.name === field.type));

const query = <T extends pg.QueryResultRow>(world: OneWorld, sql: string, params: unknown[] = []) =>
  withDatabase(world.databaseUrl, (client) => client.query<T>(sql, params)).then((result) => result.rows);

Given('an empty database migrated with the offline migrator', async function (this: OneWorld) {
  const database = await createMigratedScratchDatabase();
  this.cleanups.push(() => database.drop());
  this.databaseUrl = database.url;
});

Then(
  "every migration is recorded in _prisma_migrations as applied, with Prisma's checksum",
  async function (this: OneWorld) {
    const recorded = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      this,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const migrations = await readMigrations(migrationsDir);
    assert.deepEqual(
      recorded.map((row) => [
        row.migration_name,
        row.checksum,
        row.finished_at !== null,
        row.applied_steps_count,
      ]),
      migrations.map((migration) => [migration.name, migration.checksum, true, 1]),
    );
  },
);

Then(
  'every Prisma model is a table whose columns match its fields in name, type and nullability',
  async function (this: OneWorld) {
    for (const model of schema.models) {
      const columns = await query<{
        column_name: string;
        data_type: string;
        udt_name: string;
        is_nullable: string;
        column_default: string | null;
        datetime_precision: number | null;
      }>(
        this,
        "SELECT column_name, data_type, udt_name, is_nullable, column_default, datetime_precision FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        [model.table],
      );
      assert.ok(columns.length > 0, `table ${model.table} exists`);
      for (const field of scalarFields(model)) {
        const column = columns.find((candidate) => candidate.column_name === field.column);
        assert.ok(column, `${model.table}.${field.column} exists (${model.name}.${field.name})`);
        const where = `${model.table}.${field.column}`;
        assert.equal(column.data_type, expectedDataType(field, schema.enums), `${where} type`);
        if (schema.enums.has(field.type)) assert.equal(column.udt_name, field.type, `${where} enum`);
        if (field.type === 'DateTime') assert.equal(column.datetime_precision, 3, `${where} precision`);
        assert.equal(column.is_nullable === 'YES', field.optional, `${where} nullability`);
        assert.equal(column.column_default !== null, field.hasDefault, `${where} default`);
      }
    }
  },
);

Then(
  'the database has no table or column that the Prisma schema does not describe',
  async function (this: OneWorld) {
    const columns = await query<{ table_name: string; column_name: string }>(
      this,
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'",
    );
    const described = new Set(
      schema.models.flatMap((model) => scalarFields(model).map((field) => `${model.table}.${field.column}`)),
    );
    const extra = columns
      .map((row) => `${row.table_name}.${row.column_name}`)
      .filter((column) => !described.has(column));
    assert.deepEqual(extra, []);
  },
);

Then('every Prisma enum exists with the same values', async function (this: OneWorld) {
  for (const [name, values] of schema.enums) {
    const rows = await query<{ enumlabel: string }>(
      this,
      'SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY e.enumsortorder',
      [name],
    );
    assert.deepEqual(
      rows.map((row) => row.enumlabel),
      values,
      `enum ${name}`,
    );
  }
});

Then('every index and foreign key of the Prisma schema exists', async function (this: OneWorld) {
  for (const model of schema.models) {
    const indexes = await query<{ indexdef: string }>(
      this,
      'SELECT indexdef FROM pg_indexes WHERE tablename = $1',
      [model.table],
    );
    const columnLists = indexes.map(
      ({ indexdef }) => /\(([^)]*)\)\s*$/.exec(indexdef)?.[1]?.replaceAll('"', '').split(', ') ?? [],
    );
    const expected = [
      model.fields.filter((field) => field.isId).map((field) => field.column),
      ...model.indexes,
    ];
    for (const columns of expected) {
      assert.ok(
        columnLists.some((list) => list.join(',') === columns.join(',')),
        `${model.table} has an index on (${columns.join(', ')})`,
      );
    }
    for (const field of model.fields.filter((candidate) => candidate.relation)) {
      const target = schema.models.find((candidate) => candidate.name === field.type)!;
      const columnOf = (owner: typeof model, name: string) =>
        owner.fields.find((candidate) => candidate.name === name)!.column;
      const rows = await query<{
        column_name: string;
        foreign_table: string;
        foreign_column: string;
        delete_rule: string;
      }>(
        this,
        `SELECT kcu.column_name, ccu.table_name AS foreign_table, ccu.column_name AS foreign_column, rc.delete_rule
           FROM information_schema.referential_constraints rc
           JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name
           JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.constraint_name
          WHERE kcu.table_name = $1`,
        [model.table],
      );
      const relation = field.relation!;
      assert.deepEqual(
        rows.map((row) => [row.column_name, row.foreign_table, row.foreign_column, row.delete_rule]),
        relation.fields.map((name, index) => [
          columnOf(model, name),
          target.table,
          columnOf(target, relation.references[index]!),
          (relation.onDelete ?? 'Restrict').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase(),
        ]),
        `${model.table} → ${target.table} foreign key`,
      );
    }
  }
});

Then('the Prisma client writes and reads every field of every model', async function (this: OneWorld) {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const database = createDatabase({
    url: this.databaseUrl,
    poolSize: 1,
    connectTimeoutMs: 2_000,
    statementTimeoutMs: 5_000,
    logger: createLogger({ service: 'one-test', stream: sink }),
  });
  try {
    const at = new Date('2025-06-01T12:00:00.123Z');
    const data = {
      id: 1n,
      userId: 'u',
      prompt: 'p',
      data: [{ key: 'k', value: 'v' }],
      status: 'FAILED' as const,
      attempts: 3,
      lastError: 'e',
      acceptedAt: at,
      publishedAt: at,
      completedAt: at,
      updatedAt: at,
    };
    const outbox = {
      id: 2n,
      topic: 't',
      key: '1',
      payload: { a: 1 },
      headers: { h: 'v' },
      createdAt: at,
      publishedAt: at,
      rejectedAt: at,
      attempts: 1,
      lastError: 'x',
    };
    await database.prisma.request.create({ data: { ...data, outbox: { create: outbox } } });
    const read = await database.prisma.request.findUnique({ where: { id: 1n }, include: { outbox: true } });
    const { outbox: readOutbox, ...readRequest } = read!;
    assert.deepEqual(readRequest, data);
    assert.deepEqual(readOutbox, [{ ...outbox, requestId: 1n }]);
    await database.prisma.request.update({
      where: { id: 1n },
      data: { lastError: null, publishedAt: null, completedAt: null },
    });
    await database.prisma.request.delete({ where: { id: 1n } });
    assert.equal(await database.prisma.outboxMessage.count(), 0, 'outbox rows go with their request');
  } finally {
    await database.close();
  }
});

Then('migrating again applies nothing', async function (this: OneWorld) {
  const result = await applyMigrations({ databaseUrl: this.databaseUrl, migrationsDir });
  assert.deepEqual(result.applied, []);
});
