import type { Tracer } from '@opentelemetry/api';
import { headersToStrings, type IHeaders } from '@pkg/kafka';
import type { Logger } from '@pkg/logger';
import type { DeliveryRecord, DeliveryStore, FinishedDelivery } from '../deliveries/delivery-store.js';
import type { TwoMetrics } from '../telemetry/two-metrics.js';
import type { ThreeDelivery } from '../third-party/deliver-to-three.js';
import { decodeRequest } from './decode-request.js';
import { deadLetter, handleRequest, origin, type ValidRequest } from './handle-request.js';
import type { Outgoing } from './outgoing.js';
import { ChunkLeases, type LeaseSettings } from './chunk-leases.js';

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface ChunkHandlerDeps {
  store: DeliveryStore;
  delivery: ThreeDelivery;
  topics: { results: string; deadLetters: string };
  clock: () => Date;
  logger: Logger;
  metrics: TwoMetrics;
  tracer: Tracer;
  /** For the `messaging.consumer.group.name` span attribute. */
  consumerGroup?: string;
  /** Who this instance is and how long one call can take: the leases that make a delivery exclusive. */
  lease: LeaseSettings;
}

/**
 * Handles messages of one partition: every message ends delivered, dead-lettered or skipped as a
 * duplicate, and the messages to publish are returned so the caller publishes them before it
 * commits the offsets. Different request ids are delivered concurrently; messages with the same id
 * (the Kafka key) stay in order. Rejects only when `signal` aborts, or a lease is lost (after
 * storing the outcomes that completed): nothing of the chunk may be committed.
 *
 * Exclusive: the claim leases each request to this instance while its delivery is in flight. A
 * request leased by another instance (the partition's previous owner, still finishing after a
 * rebalance) is not called here: its handling waits until that lease ends, then acts on the final
 * state (already delivered: skipped; otherwise delivered under its own lease).
 */
export async function handleChunk(
  deps: ChunkHandlerDeps,
  messages: readonly IncomingMessage[],
  signal?: AbortSignal,
): Promise<Outgoing[]> {
  const outgoing: Outgoing[] = [];
  const valid: ValidRequest[] = [];
  for (const message of messages) {
    const startedAt = performance.now();
    const decoded = decodeRequest(message.key, message.value);
    if (decoded.ok) {
      valid.push({
        message,
        request: decoded.request,
        headers: headersToStrings(message.headers),
        startedAt,
      });
      continue;
    }
    deps.logger.warn('dead-lettering an invalid message', { ...origin(message), error: decoded.error });
    outgoing.push(deadLetter(deps, message, 'invalid-message', 0));
    deps.metrics.deadLettered('invalid-message');
    deps.metrics.messageHandled('invalid', performance.now() - startedAt);
  }

  const leases = new ChunkLeases(deps.store, deps.lease, (why) =>
    deps.logger.warn('a delivery lease could not be kept; abandoning the chunk', { reason: why }),
  );
  const records = await leases.claim([...new Set(valid.map((v) => v.request.request_id))], deps.clock());
  // The chunk's deliveries stop on the caller's signal (stop, lost partition) or a lost lease.
  const abandoned = signal ? AbortSignal.any([signal, leases.lost]) : leases.lost;
  const finished: FinishedDelivery[] = [];
  const byRequest = new Map<string, ValidRequest[]>();
  for (const item of valid) {
    const sameRequest = byRequest.get(item.request.request_id) ?? [];
    sameRequest.push(item);
    byRequest.set(item.request.request_id, sameRequest);
  }
  const handled = await Promise.allSettled(
    [...byRequest.values()].map(async (sameRequest) => {
      const requestId = sameRequest[0]!.request.request_id;
      const claimed = records.get(requestId);
      let record: DeliveryRecord | undefined = claimed;
      // No row: another instance inserted it in the same moment (its row was not in this claim's
      // snapshot), so that instance holds the lease.
      if (!claimed?.leased && claimed?.status !== 'DELIVERED') {
        deps.logger.info('another instance is delivering this request; waiting for its lease to end', {
          request_id: requestId,
        });
        record = await leases.acquire(requestId, deps.clock, abandoned);
      }
      for (const item of sameRequest) {
        const result = await handleRequest(deps, item, record, abandoned);
        outgoing.push(...result.outgoing);
        if (result.finished) finished.push(result.finished);
        if (result.finished?.status === 'DELIVERED') record = deliveredRecord(result.finished);
      }
    }),
  );
  // Stored even when the chunk is abandoned: every call that got its answer is remembered, so the
  // replay of this uncommitted chunk skips what was delivered instead of calling again.
  leases.stopRenewing();
  try {
    await deps.store.finish(finished, leases.owner);
  } finally {
    await leases.release(new Set(finished.map((f) => f.requestId)));
  }
  const failure = handled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return outgoing;
}

function deliveredRecord(finished: FinishedDelivery): DeliveryRecord {
  return {
    requestId: finished.requestId,
    status: 'DELIVERED',
    attempts: finished.attempts,
    deliveredAt: finished.at,
  };
}
