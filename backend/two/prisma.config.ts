// Prisma CLI configuration (Prisma 7): where the schema and migrations live, and the database the
// CLI migrates. Only the CLI reads this file; the service gets its URL from its own config.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // eslint-disable-next-line no-restricted-properties -- CLI tooling, not the service: it has no @pkg/config
    url: process.env.TWO_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/two',
  },
});
