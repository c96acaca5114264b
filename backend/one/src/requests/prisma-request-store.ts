import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
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
    // A nested create is one transaction: the request and its outbox row commit together or not at all.
    await this.prisma.request.create({
      data: {
        id: BigInt(request.id),
        userId: request.userId,
        prompt: request.prompt,
        data: request.data as unknown as Prisma.InputJsonValue,
        acceptedAt: request.acceptedAt,
        updatedAt: request.acceptedAt,
        outbox: {
          create: {
            id: BigInt(message.eventId),
            topic: message.topic,
            key: message.key,
            payload: message.payload as Prisma.InputJsonValue,
            headers: message.headers,
            createdAt: request.acceptedAt,
          },
        },
      },
      select: { id: true },
    });
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
    const id = BigInt(result.request_id);
    const rule = replaceableBy(result);
    // Compare-and-set in one statement: concurrent or repeated events cannot move the row backwards.
    const { count } = await this.prisma.request.updateMany({
      where: {
        id,
        OR: [
          { status: { in: rule.statuses } },
          ...(rule.failedWithFewerAttemptsThan === undefined
            ? []
            : [{ status: 'FAILED' as const, attempts: { lt: rule.failedWithFewerAttemptsThan } }]),
        ],
      },
      data: {
        status: result.status,
        attempts: result.attempts,
        lastError: result.status === 'FAILED' ? (result.error ?? 'delivery failed') : null,
        completedAt: result.delivered_at ? new Date(result.delivered_at) : receivedAt,
        updatedAt: receivedAt,
      },
    });
    if (count > 0) return 'applied';
    const exists = await this.prisma.request.count({ where: { id } });
    return exists > 0 ? 'stale' : 'unknown';
  }

  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}
