import { SpanStatusCode } from '@opentelemetry/api';
import { traceProcess } from '@pkg/kafka';
import type { DeliveryRecord, FinishedDelivery } from '../deliveries/delivery-store.js';
import { traceHeadersFor } from '../telemetry/trace-context.js';
import type { MessageOutcome } from '../telemetry/two-metrics.js';
import type { AcceptedRequest } from './decode-request.js';
import type { ChunkHandlerDeps, IncomingMessage } from './handle-chunk.js';
import { deadLetterMessage, resultMessage, threeRequestBody, type Outgoing } from './outgoing.js';

export interface ValidRequest {
  message: IncomingMessage;
  request: AcceptedRequest;
  headers: Record<string, string>;
  /** performance.now() when the message was taken, for the duration metric. */
  startedAt: number;
}

/**
 * One request's outcome, inside its producer's trace context: skipped if already delivered
 * (its result is published again, in case the first one was lost), else delivered or dead-lettered.
 */
export async function handleRequest(
  deps: ChunkHandlerDeps,
  item: ValidRequest,
  record: DeliveryRecord | undefined,
  signal: AbortSignal | undefined,
): Promise<{ outgoing: Outgoing[]; finished?: FinishedDelivery }> {
  const { request, message } = item;
  const requestId = request.request_id;
  const logger = deps.logger.child({ request_id: requestId });
  // A `process <topic>` span, child of the producer's send span; the token and /three calls and
  // every log line of this handling join it.
  return traceProcess(
    { ...message, headers: item.headers, groupId: deps.consumerGroup },
    async (span) => {
      span.setAttribute('request_id', requestId);
      const done = (outcome: MessageOutcome) => {
        deps.metrics.messageHandled(outcome, performance.now() - item.startedAt, request.accepted_at);
        span.setAttribute('two.outcome', outcome);
      };
      const trace = traceHeadersFor(item.headers);
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
              origin(message),
            ),
          ],
        };
      }
      if (record?.status === 'FAILED' && record.deadLetteredFrom === originKey(message)) {
        // This very message was dead-lettered, but its chunk was not committed (the publish failed,
        // or two stopped before the commit): publish the same answer again; calling the third party
        // again would repeat calls it already refused, up to maxAttempts more each time.
        logger.info('already dead-lettered; publishing its dead letter again', origin(message));
        done('duplicate');
        const event = {
          request_id: requestId,
          status: 'FAILED' as const,
          attempts: record.attempts,
          error: record.lastError ?? 'unknown',
        };
        return {
          outgoing: [
            deadLetter(deps, message, record.deadLetterReason ?? 'unknown', record.attempts),
            resultMessage(deps.topics.results, event, trace, origin(message)),
          ],
        };
      }
      // FAILED from another message (a replay of its dead letter) is tried again: that is what replay is for.
      const result = await deps.delivery.deliver(threeRequestBody(request), requestId, signal);
      const at = deps.clock();
      if (result.delivered) {
        logger.info('delivered to the third party', { attempts: result.attempts, status: result.status });
        done('delivered');
        const event = { request_id: requestId, status: 'DELIVERED' as const, attempts: result.attempts };
        return {
          outgoing: [
            resultMessage(
              deps.topics.results,
              { ...event, delivered_at: at.toISOString() },
              trace,
              origin(message),
            ),
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
      done('dead_lettered');
      const event = {
        request_id: requestId,
        status: 'FAILED' as const,
        attempts: result.attempts,
        error: result.error,
      };
      return {
        outgoing: [
          deadLetter(deps, message, result.reason, result.attempts),
          resultMessage(deps.topics.results, event, trace, origin(message)),
        ],
        finished: {
          requestId,
          status: 'FAILED' as const,
          attempts: result.attempts,
          thirdPartyStatus: result.status,
          lastError: result.error,
          at,
          deadLetter: { reason: result.reason, from: originKey(message) },
        },
      };
    },
    deps.tracer,
  );
}

export function deadLetter(
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

/** Where a message sits, as one string: the same message redelivered has the same key, a replay a new one. */
export function originKey(message: IncomingMessage): string {
  return `${message.topic}/${message.partition}/${message.offset}`;
}

export function origin(message: IncomingMessage) {
  return { topic: message.topic, partition: message.partition, offset: message.offset };
}
