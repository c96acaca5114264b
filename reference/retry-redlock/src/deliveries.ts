import pg, { type Pool } from 'pg';

export interface FailedDelivery {
  id: string;
  attempts: number;
}

/** The retry job's view of the deliveries table; a port so the job can be tested with fakes. */
export interface DeliveryRepository {
  listFailed(limit: number): Promise<FailedDelivery[]>;
  /** The authoritative re-check after the lock is taken: the list may be stale by then. */
  isFailed(id: string): Promise<boolean>;
  markDelivered(id: string): Promise<void>;
  recordFailedAttempt(id: string, reason: string): Promise<void>;
}

export function createDeliveryRepository(pool: Pool, table = 'failed_deliveries'): DeliveryRepository {
  const t = pg.escapeIdentifier(table);
  return {
    async listFailed(limit) {
      const { rows } = await pool.query<FailedDelivery>(
        `SELECT id, attempts FROM ${t} WHERE status = 'failed' ORDER BY updated_at LIMIT $1`,
        [limit],
      );
      return rows;
    },
    async isFailed(id) {
      const { rows } = await pool.query(`SELECT 1 FROM ${t} WHERE id = $1 AND status = 'failed'`, [id]);
      return rows.length > 0;
    },
    async markDelivered(id) {
      await pool.query(
        `UPDATE ${t} SET status = 'delivered', attempts = attempts + 1, last_error = NULL, updated_at = now()
         WHERE id = $1`,
        [id],
      );
    },
    async recordFailedAttempt(id, reason) {
      await pool.query(
        `UPDATE ${t} SET attempts = attempts + 1, last_error = $2, updated_at = now() WHERE id = $1`,
        [id, reason],
      );
    },
  };
}
