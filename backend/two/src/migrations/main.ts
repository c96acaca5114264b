// `npm run migrate -w backend/two`: applies two's migrations to TWO_DATABASE_URL without the Prisma
// schema engine. With internet access `npx prisma migrate deploy` does the same (the Docker path).
import { packagePath } from '../package-path.js';
import { applyMigrations } from '@pkg/migrate';

const databaseUrl = process.env.TWO_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/two';
const migrationsDir = packagePath('prisma/migrations');

try {
  const { applied, alreadyApplied } = await applyMigrations({
    databaseUrl,
    migrationsDir,
    log: (message) => console.log(`[two-migrate] ${message}`),
  });
  console.log(`[two-migrate] ${applied.length} applied, ${alreadyApplied.length} already applied`);
} catch (error) {
  console.error(`[two-migrate] ${(error as Error).message}`);
  process.exitCode = 1;
}
