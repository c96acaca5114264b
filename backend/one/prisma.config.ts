// Prisma CLI configuration (generate, migrate deploy). The service itself never reads this file:
// it gets its database URL from @pkg/config and hands Prisma a driver adapter.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // The same variable the Makefile exports; `prisma generate` needs no database, so a default is fine.
    // eslint-disable-next-line no-restricted-properties -- tooling entry point, like main.ts
    url: process.env.ONE_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/one',
  },
});
