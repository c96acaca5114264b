import type { Pool, PoolClient } from 'pg';

export interface RetentionOptions {
  /** Table to clean; with archive mode, rows move to `archiveTable` (same columns + archived_at). */
  table: string;
  mode: 'delete' | 'archive';
  archiveTable?: string;
  /** Rows whose `updated_at` is older than this are eligible. */
  retentionMs: number;
  /** Only rows in these statuses are eligible: unfinished work is never touched. */
  finalStatuses: readonly string[];
  /** Rows per statement: short transactions keep locks and WAL bursts small on a busy table. */
  batchSize: number;
  now?: () => Date;
  /** Called after each batch, e.g. to log progress or export a metric. */
  onBatch?: (rows: number) => void | Promise<void>;
}

export type RetentionResult = { skipped: true } | { skipped: false; rows: number; cutoff: Date };

/**
 * Deletes (or archives) old rows in a final state, in batches. Runs are mutually exclusive across
 * processes and nodes through a PostgreSQL advisory lock: if another run holds it, this one returns
 * `{ skipped: true }` at once. That guards against overlapping CronJob pods and manual runs alike.
 */
export async function purgeExpiredRequests(pool: Pool, options: RetentionOptions): Promise<RetentionResult> {
  const now = options.now ?? (() => new Date());
  const cutoff = new Date(now().getTime() - options.retentionMs);
  // A session-level lock lives as long as this connection, so it is checked out for the whole run.
  const client = await pool.connect();
  let released = false;
  try {
    const lockName = `retention:${options.table}`;
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [lockName],
    );
    if (rows[0]?.locked !== true) return { skipped: true };
    try {
      const statement = buildBatchStatement(client, options);
      let total = 0;
      for (;;) {
        const result = await client.query(statement, [options.finalStatuses, cutoff, options.batchSize]);
        const count = result.rowCount ?? 0;
        total += count;
        if (count > 0) await options.onBatch?.(count);
        if (count < options.batchSize) return { skipped: false, rows: total, cutoff };
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
    }
  } catch (error) {
    // A connection in an unknown state (maybe still holding the lock) must not go back to the pool.
    client.release(error instanceof Error ? error : true);
    released = true;
    throw error;
  } finally {
    if (!released) client.release();
  }
}

/**
 * One statement per batch: pick the oldest eligible ids, skip rows another transaction is
 * updating right now (SKIP LOCKED), then delete them, or delete and insert into the archive atomically.
 */
function buildBatchStatement(client: PoolClient, options: RetentionOptions): string {
  const table = client.escapeIdentifier(options.table);
  const pick = `SELECT id FROM ${table}
      WHERE status = ANY($1::text[]) AND updated_at < $2
      ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED`;
  if (options.mode === 'delete') {
    return `DELETE FROM ${table} WHERE id IN (${pick})`;
  }
  if (options.archiveTable === undefined) throw new Error('archive mode needs an archive table');
  const archive = client.escapeIdentifier(options.archiveTable);
  return `WITH moved AS (DELETE FROM ${table} WHERE id IN (${pick}) RETURNING *)
    INSERT INTO ${archive} SELECT moved.*, now() FROM moved`;
}
