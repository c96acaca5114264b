// The PostgreSQL pool and the Prisma client on top of it (driver adapter, no query engine binary).
// We own the pool so we can bound connection waits (an outage must answer 503 quickly, not hang)
// and listen for errors on idle connections, which would otherwise crash the process.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from '@pkg/logger';
import { PrismaClient } from './generated/prisma/client.js';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  logger: Logger;
}

export interface Database {
  prisma: PrismaClient;
  /** The same pool, for the statements run once per request (accept, relay, results): plain SQL, no query layer. */
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDatabase({
  url,
  poolSize,
  connectTimeoutMs,
  statementTimeoutMs,
  logger,
}: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    // Client-side bound too: a statement timeout cannot fire when the server is unreachable.
    query_timeout: statementTimeoutMs + 1_000,
  });
  pool.on('error', (error) => logger.warn('idle database connection lost', { error: error.message }));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    prisma,
    pool,
    close: async () => {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P03',
]);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /query read timeout/i,
  /can't reach database server/i,
];

/**
 * True when the error means "PostgreSQL cannot be reached right now" (answer 503 and retry later),
 * as opposed to a bug or a constraint violation. Walks the cause chain: Prisma wraps pg's errors.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth += 1) {
    if (typeof current !== 'object') return false;
    const { code, message, cause, originalCode, kind } = current as Record<string, unknown>;
    if (
      typeof code === 'string' &&
      (UNAVAILABLE_CODES.has(code) || code === 'P1001' || code === 'P1017' || code === 'P2024')
    )
      return true;
    if (typeof originalCode === 'string' && UNAVAILABLE_CODES.has(originalCode)) return true;
    if (kind === 'DatabaseNotReachable' || kind === 'ConnectionClosed' || kind === 'SocketTimeout')
      return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)))
      return true;
    current = cause;
  }
  return false;
}
