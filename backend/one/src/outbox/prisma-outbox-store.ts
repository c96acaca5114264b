import type { PrismaClient } from '../generated/prisma/client.js';
import type { OutboxEntry } from '../requests/request-store.js';
import type { OutboxStore, PublishMessages, PublishRound } from './outbox-store.js';

interface PendingRow {
  id: bigint;
  request_id: bigint;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

export interface PrismaOutboxStoreOptions {
  /** Upper bound of one claim-publish-mark transaction; must exceed the publish timeout. */
  transactionTimeoutMs: number;
  clock?: () => Date;
}

export class PrismaOutboxStore implements OutboxStore {
  readonly #clock: () => Date;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: PrismaOutboxStoreOptions,
  ) {
    this.#clock = options.clock ?? (() => new Date());
  }

  publishPending(limit: number, publish: PublishMessages): Promise<PublishRound> {
    return this.prisma.$transaction(
      async (tx): Promise<PublishRound> => {
        // Row locks held until commit; SKIP LOCKED lets several instances of one share the backlog
        // without publishing the same row at the same time.
        const rows = await tx.$queryRaw<PendingRow[]>`
          SELECT id, request_id, topic, key, payload, headers FROM outbox
          WHERE published_at IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return { kind: 'idle' };
        const ids = rows.map((row) => row.id);
        try {
          await publish(rows.map(toEntry));
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          await tx.outboxMessage.updateMany({
            where: { id: { in: ids } },
            data: { attempts: { increment: 1 }, lastError: failure.message.slice(0, 1_000) },
          });
          return { kind: 'failed', count: rows.length, error: failure };
        }
        const now = this.#clock();
        await tx.outboxMessage.updateMany({ where: { id: { in: ids } }, data: { publishedAt: now } });
        // Only ACCEPTED moves to PUBLISHED: a result from two may already have arrived.
        await tx.request.updateMany({
          where: { id: { in: rows.map((row) => row.request_id) }, status: 'ACCEPTED' },
          data: { status: 'PUBLISHED', publishedAt: now, updatedAt: now },
        });
        return { kind: 'published', count: rows.length };
      },
      { timeout: this.options.transactionTimeoutMs, maxWait: this.options.transactionTimeoutMs },
    );
  }

  countPending(): Promise<number> {
    return this.prisma.outboxMessage.count({ where: { publishedAt: null } });
  }
}

function toEntry(row: PendingRow): OutboxEntry {
  return {
    eventId: row.id.toString(),
    topic: row.topic,
    key: row.key,
    payload: row.payload,
    headers: row.headers,
  };
}
