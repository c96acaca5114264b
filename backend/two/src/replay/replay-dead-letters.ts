import { Headers, headersToStrings, type Kafka, type KafkaMessage, type Message } from '@pkg/kafka';
import { Partitioners } from 'kafkajs';
import type { DeliveryStore } from '../deliveries/delivery-store.js';
import type { ReplayOutcome, ReplayRecords } from './replay-records.js';

export interface ReplayOptions {
  kafka: Kafka;
  store: Pick<DeliveryStore, 'find'>;
  /** Where each dead letter replayed or skipped is recorded (for two_dead_letters_unreplayed). */
  records: Pick<ReplayRecords, 'record'>;
  deadLetterTopic: string;
  targetTopic: string;
  /** Only this request's dead letters; all when undefined. */
  requestId?: string;
  limit: number;
  /** Gives up waiting for the dead-letter topic's end after this long. */
  timeoutMs?: number;
}

export interface ReplayedLetter {
  requestId: string;
  reason: string;
  partition: number;
  offset: string;
}

export interface ReplayReport {
  replayed: ReplayedLetter[];
  /** Dead letters whose request has since been delivered: replaying them would be a no-op. */
  skippedDelivered: string[];
  scanned: number;
}

const DLQ_HEADERS = new Set<string>([
  Headers.dlqReason,
  Headers.dlqAttempts,
  Headers.dlqOriginTopic,
  Headers.dlqOriginPartition,
  Headers.dlqOriginOffset,
  Headers.dlqFailedAt,
  Headers.dlqOriginalEventId,
]);

/**
 * Re-publishes dead letters to the requests topic with their original key, value and headers
 * (the dlq-* ones removed). The dead-letter topic is read from its start up to its end as it was
 * when the replay began, under a throwaway consumer group, so nothing is consumed away: the dead
 * letters stay as the record of what failed. Each one replayed or skipped is recorded in two's
 * database (replay-records.ts), which two_dead_letters_unreplayed subtracts. Replaying one twice is
 * harmless (two is idempotent).
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const { kafka } = options;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `two-replay-${Date.now()}-${process.pid}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const report: ReplayReport = { replayed: [], skippedDelivered: [], scanned: 0 };
  try {
    const ends = await admin.fetchTopicOffsets(options.deadLetterTopic);
    const remaining = new Set(ends.filter((p) => p.high !== p.low).map((p) => p.partition));
    const end = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
    if (remaining.size === 0 || options.limit <= 0) return report;

    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topic: options.deadLetterTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${options.deadLetterTopic}`)),
        options.timeoutMs ?? 30_000,
      );
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            if (!remaining.has(partition)) return;
            report.scanned += 1;
            await replayOne(options, producer, partition, message, report);
            if (BigInt(message.offset) + 1n >= (end.get(partition) ?? 0n)) remaining.delete(partition);
            if (remaining.size === 0 || report.replayed.length >= options.limit) finish();
          },
        })
        .catch(reject);
    });
    return report;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function replayOne(
  options: ReplayOptions,
  producer: ReturnType<Kafka['producer']>,
  partition: number,
  letter: KafkaMessage,
  report: ReplayReport,
): Promise<void> {
  if (report.replayed.length >= options.limit) return;
  const headers = headersToStrings(letter.headers);
  const requestId = letter.key?.toString('utf8') ?? headers[Headers.requestId] ?? '';
  if (options.requestId !== undefined && requestId !== options.requestId) return;
  const recordAs = (outcome: ReplayOutcome) =>
    options.records.record({
      topic: options.deadLetterTopic,
      partition,
      offset: letter.offset,
      requestId: requestId || null,
      outcome,
      at: new Date(),
    });
  if (requestId && (await options.store.find(requestId))?.status === 'DELIVERED') {
    await recordAs('skipped-delivered');
    report.skippedDelivered.push(requestId);
    return;
  }
  const original: Message = { key: letter.key, value: letter.value, headers: originalHeaders(headers) };
  await producer.send({ topic: options.targetTopic, messages: [original] });
  // Recorded after the broker's ack: a replay that dies in between leaves the dead letter counted as
  // waiting, and the next replay puts it back again (harmless: two is idempotent per request id).
  await recordAs('replayed');
  report.replayed.push({
    requestId,
    reason: headers[Headers.dlqReason] ?? 'unknown',
    partition,
    offset: letter.offset,
  });
}

/**
 * The headers the message had before it was dead-lettered: without the dlq-* ones, and with its own
 * `event-id` back in place of the dead letter's (none when the original had none).
 */
export function originalHeaders(letter: Record<string, string>): Record<string, string> {
  const headers = Object.fromEntries(
    Object.entries(letter).filter(([name]) => !DLQ_HEADERS.has(name) && name !== Headers.eventId),
  );
  const originalEventId = letter[Headers.dlqOriginalEventId];
  return originalEventId === undefined ? headers : { ...headers, [Headers.eventId]: originalEventId };
}
