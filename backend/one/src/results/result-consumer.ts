// Consumes `three-result` (service two's delivery outcomes) and moves requests forward.
// Offsets are committed after the update (kafkajs commits a message once eachMessage resolves),
// so a crash replays events, which the compare-and-set update absorbs.
import type { Logger } from '@pkg/logger';
import { Topics, traceProcess, type Consumer, type KafkaMessage } from '@pkg/kafka';
import type { OneMetrics } from '../metrics.js';
import type { RequestStore } from '../requests/request-store.js';
import { threeResultEventSchema } from './three-result-event.js';

export interface ResultConsumerOptions {
  consumer: Consumer;
  /** For the `messaging.consumer.group.name` span attribute. */
  groupId?: string;
  store: Pick<RequestStore, 'applyResult'>;
  logger: Logger;
  metrics: Pick<OneMetrics, 'resultsApplied'>;
  clock?: () => Date;
  fromBeginning?: boolean;
}

/**
 * Handles one message; exported so unit tests drive it without a broker. An event that cannot be
 * read or that the database refuses is counted (outcome invalid), logged and skipped: it would fail
 * the same way on every retry and hold the partition. Throws only on store errors worth retrying
 * (PostgreSQL out of reach), which kafkajs retries.
 */
export function createResultHandler({
  store,
  logger,
  metrics,
  clock = () => new Date(),
}: Omit<ResultConsumerOptions, 'consumer'>) {
  return async (message: Pick<KafkaMessage, 'value' | 'offset'>): Promise<void> => {
    const event = parse(message.value);
    if (!event.success) {
      // A message we cannot read will not become readable by retrying: count it and move on.
      metrics.resultsApplied.add(1, { outcome: 'invalid' });
      logger.warn('ignoring unreadable three-result event', { offset: message.offset, issues: event.issues });
      return;
    }
    const outcome = await store.applyResult(event.data, clock());
    metrics.resultsApplied.add(1, { outcome });
    const fields = {
      offset: message.offset,
      request_id: event.data.request_id,
      status: event.data.status,
      attempts: event.data.attempts,
      outcome,
    };
    if (outcome === 'invalid') logger.warn('ignoring three-result event the database refused', fields);
    else logger.info('three-result event handled', fields);
  };
}

export async function startResultConsumer(options: ResultConsumerOptions): Promise<void> {
  const handle = createResultHandler(options);
  await options.consumer.connect();
  await options.consumer.subscribe({
    topic: Topics.threeResult,
    fromBeginning: options.fromBeginning ?? true,
  });
  // Each event is handled inside a `process three-result` span, a child of two's send span.
  await options.consumer.run({
    eachMessage: ({ topic, partition, message }) =>
      traceProcess({ ...message, topic, partition, groupId: options.groupId }, () => handle(message)),
  });
}

function parse(value: Buffer | null) {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return { success: false as const, issues: ['value is not JSON'] };
  }
  const result = threeResultEventSchema.safeParse(json);
  return result.success
    ? { success: true as const, data: result.data }
    : {
        success: false as const,
        issues: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      };
}
