// Two's PostgreSQL pool and the Prisma client on top of it. We own the pool so the per-chunk
// statements (claim, finish) can run on it directly, and so idle-connection errors are handled.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export interface DeliveryDatabase {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** `poolSize` bounds the connections this process opens (Prisma and the direct statements share them). */
export function createDeliveryDatabase({
  databaseUrl,
  poolSize,
  onIdleError,
}: {
  databaseUrl: string;
  poolSize: number;
  /** A connection lost while idle; without a listener it would crash the process. */
  onIdleError?: (error: Error) => void;
}): DeliveryDatabase {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('error', (error) => onIdleError?.(error));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
