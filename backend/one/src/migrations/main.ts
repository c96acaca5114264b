// one's migrate command: `node dist/src/migrations/main.js` in the image (what the compose
// `one-migrate` service and a Kubernetes Job run), `npm run migrate -w backend/one` in a checkout.
// No arguments applies the pending migrations; `down [steps]` rolls back the newest ones with their
// down.sql (`npm run migrate -w backend/one -- down 1`). Offline: no Prisma schema engine needed
// (see @pkg/migrate).
import { fileURLToPath } from 'node:url';
import { runMigrationCommand } from '@pkg/migrate';

// prisma/ sits two folders up from src/migrations/, three from the compiled dist/src/migrations/.
const packageRoot = import.meta.url.includes('/dist/') ? '../../../' : '../../';

await runMigrationCommand({
  service: 'one',
  databaseUrl: process.env.ONE_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/one',
  migrationsDir: fileURLToPath(new URL(`${packageRoot}prisma/migrations`, import.meta.url)),
  args: process.argv.slice(2),
});
