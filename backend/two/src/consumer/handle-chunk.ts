import { context, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Logger } from '@pkg/logger';
import { headersToStrings, type IHeaders } from '@pkg/kafka';
import type { DeliveryRecord, DeliveryStore, FinishedDelivery } from '../deliveries/delivery-store.js';
import { extractTraceContext, traceHeadersFor } from '../telemetry/trace-context.js';
import type { MessageOutcome, TwoMetrics } from '../telemetry/two-metrics.js';
import type { ThreeDelivery } from '../third-party/deliver-to-three.js';
import { decodeRequest, type AcceptedRequest } from './decode-request.js';
import { deadLetterMessage, resultMessage, threeRequestBody, type Outgoing } from './outgoing.js';

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
}

interface Valid {
  message: IncomingMessage;
  request: AcceptedRequest;
  headers: Record<string, string>;
  startedAt: number;
}

/**
 * Handles messages of one partition: every message ends delivered, dead-lettered or skipped as a
 * duplicate, and the messages to publish are returned so the caller publishes them before it
 * commits the offsets. Different request ids are delivered concurrently; messages with the same id
 * (the Kafka key) stay in order. Rejects only when `signal` aborts: nothing of the chunk may be committed.
 */
export async function handleChunk(
  deps: ChunkHandlerDeps,
  messages: readonly IncomingMessage[],
  signal?: AbortSignal,
): Promise<Outgoing[]> {
  const outgoing: Outgoing[] = [];
  const valid: Valid[] = [];
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

  const records = await deps.store.claim([...new Set(valid.map((v) => v.request.request_id))], deps.clock());
  const finished: FinishedDelivery[] = [];
  const byRequest = new Map<string, Valid[]>();
  for (const item of valid)
    byRequest.set(item.request.request_id, [...(byRequest.get(item.request.request_id) ?? []), item]);
  await Promise.all(
    [...byRequest.values()].map(async (sameRequest) => {
      let record = records.get(sameRequest[0]!.request.request_id);
      for (const item of sameRequest) {
        const result = await context.with(extractTraceContext(item.headers), () =>
          handleOne(deps, item, record, signal),
        );
        outgoing.push(...result.outgoing);
        if (result.finished) finished.push(result.finished);
        if (result.finished?.status === 'DELIVERED') record = deliveredRecord(result.finished);
      }
    }),
  );
  await deps.store.finish(finished);
  return outgoing;
}

async function handleOne(
  deps: ChunkHandlerDeps,
  item: Valid,
  record: DeliveryRecord | undefined,
  signal: AbortSignal | undefined,
): Promise<{ outgoing: Outgoing[]; finished?: FinishedDelivery }> {
  const { request, message } = item;
  const requestId = request.request_id;
  const logger = deps.logger.child({ request_id: requestId });
  return deps.tracer.startActiveSpan(
    `${message.topic} process`,
    { kind: SpanKind.CONSUMER },
    async (span) => {
      span.setAttributes({
        'messaging.system': 'kafka',
        'messaging.destination.name': message.topic,
        request_id: requestId,
      });
      const done = (outcome: MessageOutcome) => {
        deps.metrics.messageHandled(outcome, performance.now() - item.startedAt);
        span.setAttribute('two.outcome', outcome);
        span.end();
      };
      const trace = traceHeadersFor(item.headers);
      try {
        if (record?.status === 'DELIVERED') {
          // Redelivered after a crash or a rebalance: acknowledge, and publish the result again in case it was lost.
          logger.info('already delivered; skipping the third party', origin(message));
          done('duplicate');
          const event = { request_id: requestId, status: 'DELIVERED' as const, attempts: record.attempts };
          return {
            outgoing: [
              resultMessage(
                deps.topics.results,
                { ...event, delivered_at: record.deliveredAt?.toISOString() },
                trace,
              ),
            ],
          };
        }
        const result = await deps.delivery.deliver(threeRequestBody(request), requestId, signal);
        const at = deps.clock();
        if (result.delivered) {
          logger.info('delivered to the third party', { attempts: result.attempts, status: result.status });
          done('delivered');
          const event = { request_id: requestId, status: 'DELIVERED' as const, attempts: result.attempts };
          return {
            outgoing: [
              resultMessage(deps.topics.results, { ...event, delivered_at: at.toISOString() }, trace),
            ],
            finished: {
              requestId,
              status: 'DELIVERED' as const,
              attempts: result.attempts,
              thirdPartyStatus: result.status,
              lastError: null,
              at,
            },
          };
        }
        logger.warn('giving up on the third party; dead-lettering', {
          reason: result.reason,
          attempts: result.attempts,
          status: result.status,
          error: result.error,
        });
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
        deps.metrics.deadLettered(result.reason);
        done('dead-lettered');
        const event = {
          request_id: requestId,
          status: 'FAILED' as const,
          attempts: result.attempts,
          error: result.error,
        };
        return {
          outgoing: [
            deadLetter(deps, message, result.reason, result.attempts),
            resultMessage(deps.topics.results, event, trace),
          ],
          finished: {
            requestId,
            status: 'FAILED' as const,
            attempts: result.attempts,
            thirdPartyStatus: result.status,
            lastError: result.error,
            at,
          },
        };
      } catch (error) {
        span.recordException(error as Error);
        span.end();
        throw error;
      }
    },
  );
}

function deadLetter(
  deps: ChunkHandlerDeps,
  message: IncomingMessage,
  reason: string,
  attempts: number,
): Outgoing {
  return deadLetterMessage(deps.topics.deadLetters, message, {
    reason,
    attempts,
    failedAt: deps.clock(),
    origin: origin(message),
  });
}

function origin(message: IncomingMessage) {
  return { topic: message.topic, partition: message.partition, offset: message.offset };
}

function deliveredRecord(finished: FinishedDelivery): DeliveryRecord {
  return {
    requestId: finished.requestId,
    status: 'DELIVERED',
    attempts: finished.attempts,
    deliveredAt: finished.at,
  };
}
