// The outbox on node-postgres directly. The relay runs one round per commit burst, so its cost is
// paid about once per request under load: here a round is BEGIN, one claim, one statement marking
// rows and requests published, COMMIT — without the interactive-transaction and query-interpreter
// work Prisma adds to each of those (the relay's largest CPU cost in docs/benchmarks/analysis.md).
import type pg from 'pg';
import type { OutboxEntry } from '../requests/request-store.js';
import type { OutboxBacklog, OutboxStore, PublishMessages, PublishRound } from './outbox-store.js';

interface PendingRow {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

// Row locks are held until COMMIT, across the publish: SKIP LOCKED lets several instances of one
// share the backlog without two of them ever publishing the same row. Rejected rows are out of the
// queue for good, so one message the broker can never take does not hold back the ones after it.
const CLAIM = `
  SELECT id, topic, key, payload, headers FROM outbox
  WHERE published_at IS NULL AND rejected_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`;

// Both updates in one statement (one round trip). Only ACCEPTED moves to PUBLISHED: a result from
// two may already have arrived.
const MARK_PUBLISHED = `
  WITH published AS (
    UPDATE outbox SET published_at = $2 WHERE id = ANY($1::bigint[]) RETURNING request_id
  )
  UPDATE requests SET status = 'PUBLISHED', published_at = $2, updated_at = $2
  WHERE id IN (SELECT request_id FROM published) AND status = 'ACCEPTED'`;

// A message Kafka will never take: its row leaves the queue and its request ends FAILED with the
// reason, which GET /one/{id} shows, instead of waiting in ACCEPTED forever.
const MARK_REJECTED = `
  WITH rejected AS (
    UPDATE outbox o SET rejected_at = $3, attempts = o.attempts + 1, last_error = r.reason
    FROM unnest($1::bigint[], $2::text[]) AS r(id, reason)
    WHERE o.id = r.id RETURNING o.request_id, r.reason
  )
  UPDATE requests q SET status = 'FAILED', last_error = 'not published: ' || rejected.reason,
                        completed_at = $3, updated_at = $3
  FROM rejected WHERE q.id = rejected.request_id AND q.status = 'ACCEPTED'`;

const RECORD_FAILURE = `
  UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`;

const BACKLOG = `
  SELECT count(*)::int AS pending,
         coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_seconds
  FROM outbox WHERE published_at IS NULL AND rejected_at IS NULL`;

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
      const round: PublishRound =
        rows.length === 0
          ? { claimed: 0, published: 0, rejected: 0, failed: 0 }
          : await this.#publish(client, rows, publish);
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
    const outcome = await publish(rows.map(toEntry));
    const now = this.#clock();
    if (outcome.published.length > 0) await client.query(MARK_PUBLISHED, [outcome.published, now]);
    if (outcome.rejected.length > 0)
      await client.query(MARK_REJECTED, [
        outcome.rejected.map((rejected) => rejected.eventId),
        outcome.rejected.map((rejected) => rejected.reason.slice(0, 1_000)),
        now,
      ]);
    const settled = new Set([...outcome.published, ...outcome.rejected.map((rejected) => rejected.eventId)]);
    const left = rows.filter((row) => !settled.has(row.id)).map((row) => row.id);
    const error =
      outcome.failure ??
      (left.length > 0 ? new Error(`${left.length} message(s) neither published nor rejected`) : undefined);
    if (left.length > 0) await client.query(RECORD_FAILURE, [left, error?.message.slice(0, 1_000)]);
    return {
      claimed: rows.length,
      published: outcome.published.length,
      rejected: outcome.rejected.length,
      failed: left.length,
      ...(left.length > 0 && error ? { error } : {}),
    };
  }

  async backlog(): Promise<OutboxBacklog> {
    const { rows } = await this.pool.query<{ pending: number; oldest_age_seconds: number }>(BACKLOG);
    return {
      pending: rows[0]?.pending ?? 0,
      oldestAgeSeconds: Math.max(0, rows[0]?.oldest_age_seconds ?? 0),
    };
  }
}

function toEntry(row: PendingRow): OutboxEntry {
  return { eventId: row.id, topic: row.topic, key: row.key, payload: row.payload, headers: row.headers };
}
