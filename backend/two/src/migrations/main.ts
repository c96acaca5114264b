// two's migrate command: `node dist/src/migrations/main.js` in the image (what the compose
// `two-migrate` service and a Kubernetes Job run), `npm run migrate -w backend/two` in a checkout.
// No arguments applies the pending migrations; `down [steps]` rolls back the newest ones with their
// down.sql (`npm run migrate -w backend/two -- down 1`). Offline: no Prisma schema engine needed
// (see @pkg/migrate).
import { runMigrationCommand } from '@pkg/migrate';
import { packagePath } from '../package-path.js';

await runMigrationCommand({
  service: 'two',
  databaseUrl: process.env.TWO_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/two',
  migrationsDir: packagePath('prisma/migrations'),
  args: process.argv.slice(2),
});
