// Service one's requests in PostgreSQL. The two statements that run once per request — accepting
// it and applying two's result — go straight to node-postgres: each is one parameterised SQL
// statement, and Prisma's query layer around a raw statement cost about a fifth of one's CPU per
// request under load (docs/benchmarks/analysis.md). Accepted requests are written in groups (one
// statement for all the requests of an event-loop turn, group-commit.ts). Reads keep Prisma's
// typed client.
import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { replaceableBy } from '../results/status-rules.js';
import type { ThreeResultEvent } from '../results/three-result-event.js';
import type { DataItem } from './new-request.js';
import type {
  NewRequestRow,
  OutboxEntry,
  RequestStore,
  ResultOutcome,
  StoredRequest,
} from './request-store.js';

// Both rows in one statement: it is its own transaction (both commit or neither) and one round trip.
// Used for a request on its own: when a group's statement fails on one row's values.
const ACCEPT = sql`
  WITH request AS (
    INSERT INTO requests (id, user_id, prompt, data, accepted_at, updated_at)
    VALUES ($1, $2, $3, $4::jsonb, $5, $5)
    RETURNING id
  )
  INSERT INTO outbox (id, request_id, topic, key, payload, headers, created_at)
  SELECT $6, id, $7, $8, $9::jsonb, $10::jsonb, $5 FROM request`;

// The rows of a group in one statement, one array per column: the text never changes, so it is
// prepared once per connection. All rows commit or none.
const ACCEPT_GROUP = {
  name: 'one-accept-group',
  text: sql`
  WITH request AS (
    INSERT INTO requests (id, user_id, prompt, data, accepted_at, updated_at)
    SELECT id, user_id, prompt, data, accepted_at, accepted_at
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[])
      AS r(id, user_id, prompt, data, accepted_at)
  )
  INSERT INTO outbox (id, request_id, topic, key, payload, headers, created_at)
  SELECT * FROM unnest($6::bigint[], $1::bigint[], $7::text[], $8::text[], $9::jsonb[], $10::jsonb[],
                       $5::timestamptz[])`,
};

/**
 * The statement on one line: its text is the `db.query.text` of every database span, and the
 * indentation was a third of it.
 */
function sql(strings: TemplateStringsArray): string {
  return strings.join('').replace(/\s+/g, ' ').trim();
}

/** One accepted request with its outbox message, as the statements take them. */
interface AcceptRow {
  request: NewRequestRow;
  message: OutboxEntry;
}

export interface GroupCommitSettings {
  /** Statements of accepted requests in flight at once; keep below the pool size. */
  maxInFlight: number;
  /** Requests per statement. */
  maxBatchSize: number;
}

// Compare-and-set and the outcome in one statement: concurrent or repeated events cannot move a
// request backwards (status-rules.ts decides which stored states an event may replace). The outer
// SELECT sees the row as it was before the UPDATE, which is all it needs to tell a stale event (the
// row exists) from an unknown id.
const APPLY_RESULT = sql`
  WITH applied AS (
    UPDATE requests SET status = $2::"RequestStatus", attempts = $3, last_error = $4,
                        completed_at = $5, updated_at = $6
    WHERE id = $1 AND (status::text = ANY($7::text[]) OR (status = 'FAILED' AND attempts < $8::int))
    RETURNING id
  )
  SELECT CASE
    WHEN EXISTS (SELECT 1 FROM applied) THEN 'applied'
    WHEN EXISTS (SELECT 1 FROM requests WHERE id = $1) THEN 'stale'
    ELSE 'unknown' END AS outcome`;

export class PostgresRequestStore implements RequestStore {
  private readonly acceptGroup: GroupCommit<AcceptRow>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly pool: pg.Pool,
    groupCommit: GroupCommitSettings = { maxInFlight: 4, maxBatchSize: 200 },
  ) {
    this.acceptGroup = createGroupCommit<AcceptRow>({
      writeBatch: (rows) => this.acceptAll(rows),
      writeOne: (row) => this.acceptOne(row),
      isItemError: isValueError,
      ...groupCommit,
    });
  }

  /** Resolves after the commit of the statement that carries this request. */
  accept(request: NewRequestRow, message: OutboxEntry): Promise<void> {
    return this.acceptGroup({ request, message });
  }

  private async acceptAll(rows: readonly AcceptRow[]): Promise<void> {
    await this.pool.query({
      ...ACCEPT_GROUP,
      values: [
        rows.map(({ request }) => request.id),
        rows.map(({ request }) => request.userId),
        rows.map(({ request }) => request.prompt),
        rows.map(({ request }) => JSON.stringify(request.data)),
        rows.map(({ request }) => request.acceptedAt),
        rows.map(({ message }) => message.eventId),
        rows.map(({ message }) => message.topic),
        rows.map(({ message }) => message.key),
        rows.map(({ message }) => JSON.stringify(message.payload)),
        rows.map(({ message }) => JSON.stringify(message.headers)),
      ],
    });
  }

  private async acceptOne({ request, message }: AcceptRow): Promise<void> {
    await this.pool.query(ACCEPT, [
      request.id,
      request.userId,
      request.prompt,
      JSON.stringify(request.data),
      request.acceptedAt,
      message.eventId,
      message.topic,
      message.key,
      JSON.stringify(message.payload),
      JSON.stringify(message.headers),
    ]);
  }

  async find(id: string): Promise<StoredRequest | null> {
    const row = await this.prisma.request.findUnique({ where: { id: BigInt(id) } });
    if (!row) return null;
    return {
      id: row.id.toString(),
      userId: row.userId,
      prompt: row.prompt,
      data: row.data as unknown as DataItem[],
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      acceptedAt: row.acceptedAt,
      publishedAt: row.publishedAt,
      completedAt: row.completedAt,
      updatedAt: row.updatedAt,
    };
  }

  async applyResult(result: ThreeResultEvent, receivedAt: Date): Promise<ResultOutcome> {
    const rule = replaceableBy(result);
    const applied = this.pool.query<{ outcome: ResultOutcome }>(APPLY_RESULT, [
      result.request_id,
      result.status,
      result.attempts,
      result.status === 'FAILED' ? (result.error ?? 'delivery failed') : null,
      result.delivered_at ? new Date(result.delivered_at) : receivedAt,
      receivedAt,
      rule.statuses,
      rule.failedWithFewerAttemptsThan ?? null,
    ]);
    try {
      const { rows } = await applied;
      return rows[0]?.outcome ?? 'unknown';
    } catch (error) {
      if (isDataException(error)) return 'invalid';
      throw error;
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}

/**
 * SQLSTATE class 22 (data exception: out of range, bad encoding, ...) depends only on the values,
 * so a retry fails the same way; anything else (connection, timeout) is worth retrying.
 */
function isDataException(error: unknown): boolean {
  return String((error as { code?: unknown }).code).startsWith('22');
}

/** A data exception or an integrity violation (class 23): the values of some row, not the database. */
function isValueError(error: unknown): boolean {
  return isDataException(error) || String((error as { code?: unknown }).code).startsWith('23');
}
