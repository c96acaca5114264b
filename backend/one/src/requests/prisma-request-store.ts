import type { PrismaClient } from '../generated/prisma/client.js';
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

export class PrismaRequestStore implements RequestStore {
  constructor(private readonly prisma: PrismaClient) {}

  async accept(request: NewRequestRow, message: OutboxEntry): Promise<void> {
    // One SQL statement writes both rows: it is its own transaction (both commit or neither), and
    // it costs one round trip instead of BEGIN/INSERT/INSERT/COMMIT and Prisma's query planning for
    // a nested create — the hot path's largest cost after the commit's fsync (docs/benchmarks).
    // Still Prisma (a tagged template: every value is a bound parameter, never spliced into SQL).
    await this.prisma.$executeRaw`
      WITH request AS (
        INSERT INTO requests (id, user_id, prompt, data, accepted_at, updated_at)
        VALUES (${BigInt(request.id)}, ${request.userId}, ${request.prompt}, ${JSON.stringify(request.data)}::jsonb,
                ${request.acceptedAt}::timestamptz, ${request.acceptedAt}::timestamptz)
        RETURNING id
      )
      INSERT INTO outbox (id, request_id, topic, key, payload, headers, created_at)
      SELECT ${BigInt(message.eventId)}, id, ${message.topic}, ${message.key}, ${JSON.stringify(message.payload)}::jsonb,
             ${JSON.stringify(message.headers)}::jsonb, ${request.acceptedAt}::timestamptz
      FROM request`;
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
    // Compare-and-set and the outcome in one statement (one round trip, no query planning in Prisma;
    // the result consumer runs it once per event): concurrent or repeated events cannot move the row
    // backwards. The outer SELECT sees the row as it was before the UPDATE, which is all it needs to
    // tell a stale event (row exists) from an unknown id.
    const [row] = await this.prisma.$queryRaw<{ outcome: ResultOutcome }[]>`
      WITH applied AS (
        UPDATE requests SET
          status = ${result.status}::"RequestStatus",
          attempts = ${result.attempts},
          last_error = ${result.status === 'FAILED' ? (result.error ?? 'delivery failed') : null},
          completed_at = ${result.delivered_at ? new Date(result.delivered_at) : receivedAt}::timestamptz,
          updated_at = ${receivedAt}::timestamptz
        WHERE id = ${BigInt(result.request_id)}
          AND (status::text = ANY(${rule.statuses}::text[])
               OR (status = 'FAILED' AND attempts < ${rule.failedWithFewerAttemptsThan ?? null}::int))
        RETURNING id
      )
      SELECT CASE
        WHEN EXISTS (SELECT 1 FROM applied) THEN 'applied'
        WHEN EXISTS (SELECT 1 FROM requests WHERE id = ${BigInt(result.request_id)}) THEN 'stale'
        ELSE 'unknown' END AS outcome`;
    return row?.outcome ?? 'unknown';
  }

  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}
