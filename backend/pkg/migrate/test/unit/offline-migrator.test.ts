import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { migrationChecksum, readMigrations } from '../../src/index.js';

async function migrationsFolder(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  return dir;
}

describe('offline migrator', () => {
  it('reads migration folders in name (timestamp) order, ignoring files beside them', async () => {
    const dir = await migrationsFolder({
      '20250102000000_second': 'ALTER TABLE t ADD COLUMN b int;\n',
      '20250101000000_first': 'CREATE TABLE t (a int);\n',
    });
    const migrations = await readMigrations(dir);
    assert.deepEqual(
      migrations.map((m) => m.name),
      ['20250101000000_first', '20250102000000_second'],
    );
    assert.equal(migrations[0]?.sql, 'CREATE TABLE t (a int);\n');
  });

  it("uses Prisma's checksum: hex SHA-256 of the migration file", async () => {
    const sql = 'CREATE TABLE t (a int);\n';
    const [migration] = await readMigrations(await migrationsFolder({ '20250101000000_first': sql }));
    const expected = createHash('sha256').update(Buffer.from(sql)).digest('hex');
    assert.equal(migration?.checksum, expected);
    assert.equal(migrationChecksum(sql), expected);
  });
});
