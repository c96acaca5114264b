// In-memory collaborators for unit tests: the app and use cases take these in place of Prisma and Kafka.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createNoopMeter } from '@opentelemetry/api';
import type { Express } from 'express';
import { createLogger, type Logger } from '@pkg/logger';
import { createOneMetrics } from '../../src/metrics.js';
import { mayReplace } from '../../src/results/status-rules.js';
import type { ThreeResultEvent } from '../../src/results/three-result-event.js';
import type {
  NewRequestRow,
  OutboxEntry,
  RequestStore,
  ResultOutcome,
  StoredRequest,
} from '../../src/requests/request-store.js';

export function silentLogger(): Logger {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  return createLogger({ service: 'one-test', stream: sink });
}

export const noopMetrics = () =>
  createOneMetrics(createNoopMeter(), async () => ({ pending: 0, oldestAgeSeconds: 0 }));

export class InMemoryRequestStore implements RequestStore {
  readonly requests = new Map<string, StoredRequest>();
  readonly outbox: OutboxEntry[] = [];
  failWith: Error | undefined;

  async accept(request: NewRequestRow, message: OutboxEntry): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.requests.set(request.id, {
      ...request,
      status: 'ACCEPTED',
      attempts: 0,
      lastError: null,
      publishedAt: null,
      completedAt: null,
      updatedAt: request.acceptedAt,
    });
    this.outbox.push(message);
  }

  async find(id: string): Promise<StoredRequest | null> {
    if (this.failWith) throw this.failWith;
    return this.requests.get(id) ?? null;
  }

  async applyResult(result: ThreeResultEvent, receivedAt: Date): Promise<ResultOutcome> {
    const current = this.requests.get(result.request_id);
    if (!current) return 'unknown';
    if (!mayReplace(current, result)) return 'stale';
    this.requests.set(result.request_id, {
      ...current,
      status: result.status,
      attempts: result.attempts,
      lastError: result.status === 'FAILED' ? (result.error ?? 'delivery failed') : null,
      completedAt: result.delivered_at ? new Date(result.delivered_at) : receivedAt,
      updatedAt: receivedAt,
    });
    return 'applied';
  }

  async ping(): Promise<void> {
    if (this.failWith) throw this.failWith;
  }
}

/** Sequential ids, so assertions can name them. */
export function sequentialIds(start = 1000n) {
  let next = start;
  return { next: () => (next++).toString() };
}

/** Serves `app` on an ephemeral port for the duration of `use`. */
export async function withServer<T>(app: Express, use: (baseUrl: string) => Promise<T>): Promise<T> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
