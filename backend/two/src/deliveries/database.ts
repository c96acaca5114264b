// Two's PostgreSQL pool and the Prisma client on top of it. We own the pool so the per-chunk
// statements (claim, finish) can run on it directly, bound every wait on it, and handle
// idle-connection errors.
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
  connectTimeoutMs = 1_000,
  statementTimeoutMs = 5_000,
  onIdleError,
}: {
  databaseUrl: string;
  poolSize: number;
  /** Bound for getting a connection (a full pool, an unreachable server). */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** A connection lost while idle; without a listener it would crash the process. */
  onIdleError?: (error: Error) => void;
}): DeliveryDatabase {
  // Without bounds a silent database hangs claim and finish (so the chunk, its heartbeats and the
  // stop) and /readyz; with them each fails within its bound and the chunk is retried.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    // Client-side bound too: a statement timeout cannot fire when the server does not answer at all.
    query_timeout: statementTimeoutMs + 1_000,
  });
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
