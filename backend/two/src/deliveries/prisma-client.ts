import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** Prisma 7 over node-postgres; `poolSize` bounds the connections this process opens. */
export function createPrismaClient({
  databaseUrl,
  poolSize,
}: {
  databaseUrl: string;
  poolSize: number;
}): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
}
