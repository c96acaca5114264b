// Applies Prisma migrations without the Prisma schema engine (a binary download, unavailable
// offline). It does what `prisma migrate deploy` does for PostgreSQL: takes Prisma's advisory
// lock, creates `_prisma_migrations` the way Prisma does, runs each pending migration.sql in
// folder order and records it with Prisma's checksum (SHA-256 of the file), so a later
// `prisma migrate deploy` sees these migrations as applied and carries on from there.
// It also rolls back (`rollbackMigrations`), which Prisma leaves to you: each migration folder may
// hold a `down.sql` beside its `migration.sql` (the file name Prisma's docs use for down scripts);
// rolling back runs it and deletes the migration's `_prisma_migrations` row in one transaction, so
// Prisma and this migrator both see that migration as not applied.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

/** The lock id `prisma migrate` takes, so this migrator and Prisma never run at the same time. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
  /** The folder's `down.sql`, when it has one: what undoes `sql`. */
  downSql?: string;
}

export interface MigrateOptions {
  databaseUrl: string;
  /** The `prisma/migrations` folder: one sub-folder per migration with a `migration.sql`. */
  migrationsDir: string;
  log?: (message: string) => void;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export interface RollbackOptions extends MigrateOptions {
  /** How many of the applied migrations to roll back, newest first (at least 1). */
  steps: number;
}

export interface RollbackResult {
  /** The migrations rolled back, newest first. */
  rolledBack: string[];
  /** The migrations still applied, in folder order. */
  stillApplied: string[];
}

/** Prisma's checksum of a migration script: hex SHA-256 of its bytes. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Migration folders (`<timestamp>_<name>/migration.sql`) in the order Prisma applies them. */
export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      const downSql = await readFile(join(migrationsDir, name, 'down.sql'), 'utf8').catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        },
      );
      return { name, sql, checksum: migrationChecksum(sql), ...(downSql === undefined ? {} : { downSql }) };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Runs `work` on one connection holding Prisma's advisory lock, with `_prisma_migrations` created
 * and its live rows (not marked rolled back) read, by name.
 */
async function withMigrationLock<T>(
  databaseUrl: string,
  work: (client: pg.Client, appliedByName: Map<string, AppliedRow>) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const appliedByName = new Map(
      rows.filter((row) => row.rolled_back_at === null).map((row) => [row.migration_name, row]),
    );
    return await work(client, appliedByName);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** Same stance as Prisma's P3009: a half-applied migration needs a human. */
function unfinished(name: string): Error {
  return new Error(
    `migration ${name} failed earlier and is not finished; fix the database, then mark it ` +
      `rolled back (prisma migrate resolve --rolled-back ${name}) before migrating again`,
  );
}

/** Applies the pending migrations to `databaseUrl`; safe to run again and from several processes. */
export async function applyMigrations({
  databaseUrl,
  migrationsDir,
  log = () => {},
}: MigrateOptions): Promise<MigrationResult> {
  const migrations = await readMigrations(migrationsDir);
  return withMigrationLock(databaseUrl, async (client, appliedByName) => {
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const applied = appliedByName.get(migration.name);
      if (applied?.finished_at === null) throw unfinished(migration.name);
      if (applied) {
        if (applied.checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} was edited after it was applied (checksum mismatch)`);
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await applyOne(client, migration);
      log(`applied ${migration.name}`);
      result.applied.push(migration.name);
    }
    return result;
  });
}

/**
 * Rolls back the newest `steps` applied migrations, newest first: runs each one's `down.sql` and
 * deletes its `_prisma_migrations` row in one transaction. Checks everything before it changes
 * anything: each migration to roll back must be in `migrationsDir` (run the migrate command of the
 * release that added it), unedited since it was applied, finished, and have a `down.sql`.
 */
export async function rollbackMigrations({
  databaseUrl,
  migrationsDir,
  steps,
  log = () => {},
}: RollbackOptions): Promise<RollbackResult> {
  if (!Number.isInteger(steps) || steps < 1)
    throw new Error(`steps must be a whole number ≥ 1, not ${steps}`);
  const byName = new Map(
    (await readMigrations(migrationsDir)).map((migration) => [migration.name, migration]),
  );
  return withMigrationLock(databaseUrl, async (client, appliedByName) => {
    const applied = [...appliedByName.keys()].sort();
    if (steps > applied.length) {
      throw new Error(`cannot roll back ${steps} migration(s): ${applied.length} applied`);
    }
    const targets = applied.slice(-steps).reverse();
    const plan = targets.map((name) => {
      const migration = byName.get(name);
      if (!migration) {
        throw new Error(
          `migration ${name} is applied but not in ${migrationsDir}; roll it back with the migrate command ` +
            'of the release that added it',
        );
      }
      if (appliedByName.get(name)?.finished_at === null) throw unfinished(name);
      if (appliedByName.get(name)?.checksum !== migration.checksum) {
        throw new Error(`migration ${name} was edited after it was applied (checksum mismatch)`);
      }
      if (migration.downSql === undefined) throw new Error(`migration ${name} has no down.sql`);
      return { name, downSql: migration.downSql };
    });
    for (const { name, downSql } of plan) {
      await inTransaction(client, `rollback of ${name}`, async () => {
        await client.query(downSql);
        await client.query('DELETE FROM "_prisma_migrations" WHERE migration_name = $1', [name]);
      });
      log(`rolled back ${name}`);
    }
    return { rolledBack: targets, stillApplied: applied.slice(0, applied.length - steps) };
  });
}

/** PostgreSQL DDL is transactional: a failure inside leaves no half state. */
async function inTransaction(client: pg.Client, what: string, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${what} failed: ${message}`, { cause: error });
  }
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = randomUUID();
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, migration.checksum, migration.name],
  );
  try {
    await inTransaction(client, `migration ${migration.name}`, async () => {
      await client.query(migration.sql);
      await client.query(
        'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
        [id],
      );
    });
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    const message = cause instanceof Error ? cause.message : String(cause ?? error);
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, message]);
    throw error;
  }
}
