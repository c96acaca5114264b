import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { migrationChecksum, readMigrations } from '../../src/migrations/offline-migrator.js';

const migrationsDir = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

describe('offline migrator', () => {
  it('reads the migration folders in name order with Prisma checksums (SHA-256 of the file)', async () => {
    const migrations = await readMigrations(migrationsDir);
    assert.ok(migrations.length >= 1);
    assert.deepEqual(
      migrations.map((m) => m.name),
      migrations.map((m) => m.name).toSorted(),
    );
    const first = migrations[0]!;
    const bytes = await readFile(`${migrationsDir}/${first.name}/migration.sql`);
    assert.equal(first.checksum, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(migrationChecksum('SELECT 1;\n'), createHash('sha256').update('SELECT 1;\n').digest('hex'));
  });
});
