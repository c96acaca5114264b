// The outbox on node-postgres directly. The relay runs one round per commit burst, so its cost is
// paid about once per request under load: here a round is BEGIN, one claim, one statement marking
// rows and requests published, COMMIT — without the interactive-transaction and query-interpreter
// work Prisma adds to each of those (the relay's largest CPU cost in docs/benchmarks/analysis.md).
import type pg from 'pg';
import type { OutboxEntry } from '../requests/request-store.js';
import type { OutboxStore, PublishMessages, PublishRound } from './outbox-store.js';

interface PendingRow {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

// Row locks are held until COMMIT, across the publish: SKIP LOCKED lets several instances of one
// share the backlog without two of them ever publishing the same row.
const CLAIM = `
  SELECT id, topic, key, payload, headers FROM outbox
  WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`;

// Both updates in one statement (one round trip). Only ACCEPTED moves to PUBLISHED: a result from
// two may already have arrived.
const MARK_PUBLISHED = `
  WITH published AS (
    UPDATE outbox SET published_at = $2 WHERE id = ANY($1::bigint[]) RETURNING request_id
  )
  UPDATE requests SET status = 'PUBLISHED', published_at = $2, updated_at = $2
  WHERE id IN (SELECT request_id FROM published) AND status = 'ACCEPTED'`;

const RECORD_FAILURE = `
  UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`;

export interface PostgresOutboxStoreOptions {
  clock?: () => Date;
}

export class PostgresOutboxStore implements OutboxStore {
  readonly #clock: () => Date;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresOutboxStoreOptions = {},
  ) {
    this.#clock = options.clock ?? (() => new Date());
  }

  async publishPending(limit: number, publish: PublishMessages): Promise<PublishRound> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<PendingRow>(CLAIM, [limit]);
      const round =
        rows.length === 0 ? { kind: 'idle' as const } : await this.#publish(client, rows, publish);
      await client.query('COMMIT');
      return round;
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A connection whose transaction failed half-way is not given back to the pool.
      client.release(broken);
    }
  }

  async #publish(client: pg.PoolClient, rows: PendingRow[], publish: PublishMessages): Promise<PublishRound> {
    const ids = rows.map((row) => row.id);
    try {
      await publish(rows.map(toEntry));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      await client.query(RECORD_FAILURE, [ids, failure.message.slice(0, 1_000)]);
      return { kind: 'failed', count: rows.length, error: failure };
    }
    await client.query(MARK_PUBLISHED, [ids, this.#clock()]);
    return { kind: 'published', count: rows.length };
  }

  async countPending(): Promise<number> {
    const { rows } = await this.pool.query<{ pending: number }>(
      'SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL',
    );
    return rows[0]?.pending ?? 0;
  }
}

function toEntry(row: PendingRow): OutboxEntry {
  return { eventId: row.id, topic: row.topic, key: row.key, payload: row.payload, headers: row.headers };
}
