// `npm run migrate -w @services/one`: applies prisma/migrations to ONE_DATABASE_URL without the
// Prisma schema engine (see @pkg/migrate). With internet, `prisma migrate deploy`
// does the same and both record their work in the same `_prisma_migrations` table.
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '@pkg/migrate';

const databaseUrl = process.env.ONE_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/one';
const migrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

try {
  const { applied, alreadyApplied } = await applyMigrations({ databaseUrl, migrationsDir });
  const target = new URL(databaseUrl);
  console.log(
    `[one] migrations on ${target.host}${target.pathname}: ${applied.length} applied` +
      (applied.length ? ` (${applied.join(', ')})` : '') +
      `, ${alreadyApplied.length} already applied`,
  );
} catch (error) {
  console.error(`[one] migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
