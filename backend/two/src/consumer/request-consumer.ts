import { traceSendBatch, type Consumer, type Kafka, type Message, type Producer } from '@pkg/kafka';
import type { Logger } from '@pkg/logger';
import { handleChunk, type ChunkHandlerDeps } from './handle-chunk.js';

export interface RequestConsumerOptions {
  kafka: Kafka;
  producer: Producer;
  handler: ChunkHandlerDeps;
  logger: Logger;
  topic: string;
  groupId: string;
  /** Partitions handled at the same time (kafkajs `partitionsConsumedConcurrently`). */
  partitionsConcurrently: number;
  /** Messages of one partition handled together: one DB round trip and one publish per chunk. */
  chunkSize: number;
  sessionTimeoutMs: number;
  maxWaitTimeMs: number;
  /** Start from the earliest offset when the group has none (tests use fresh groups and topics). */
  fromBeginning: boolean;
}

export interface RequestConsumer {
  start(): Promise<void>;
  /** Joined the group and has partitions (or is waiting for some): readiness. */
  isJoined(): boolean;
  /** Stops fetching, abandons in-flight retries (those offsets stay uncommitted), commits, leaves the group. */
  stop(): Promise<void>;
}

/**
 * At-least-once: an offset is resolved only after its message's outcome is stored and published,
 * and kafkajs commits only resolved offsets (after each batch, on rebalance and on stop). A crash
 * replays from the last commit; the delivery store turns the replays into duplicates.
 */
export function createRequestConsumer(options: RequestConsumerOptions): RequestConsumer {
  const { kafka, producer, logger, topic } = options;
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.floor(options.sessionTimeoutMs / 3),
    maxWaitTimeInMs: options.maxWaitTimeMs,
  });
  const stopping = new AbortController();
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    joined = true;
    logger.info('joined the consumer group', {
      group_id: options.groupId,
      assignment: event.payload.memberAssignment,
    });
  });
  for (const event of [consumer.events.CRASH, consumer.events.DISCONNECT, consumer.events.STOP]) {
    consumer.on(event, () => {
      joined = false;
    });
  }

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
      await consumer.run({
        partitionsConsumedConcurrently: options.partitionsConcurrently,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          for (let start = 0; start < batch.messages.length; start += options.chunkSize) {
            // Stop between chunks on shutdown or when a rebalance took the partition away.
            if (!isRunning() || isStale() || stopping.signal.aborted) return;
            const chunk = batch.messages.slice(start, start + options.chunkSize);
            const messages = chunk.map((m) => ({ ...m, topic: batch.topic, partition: batch.partition }));
            const outgoing = await handleChunk(options.handler, messages, stopping.signal).catch(
              (error: unknown) => {
                if (stopping.signal.aborted) return undefined; // abandoned: stays uncommitted, replayed later
                throw error;
              },
            );
            if (!outgoing) return;
            await publish(producer, outgoing);
            resolveOffset(chunk[chunk.length - 1]!.offset);
            await heartbeat();
          }
        },
      });
    },
    isJoined: () => joined,
    async stop() {
      stopping.abort();
      // disconnect() waits for the running batch (its in-flight chunk now aborts), commits what was
      // resolved, and leaves the group so the partitions move on at once.
      await consumer.disconnect();
    },
  };
}

async function publish(producer: Producer, outgoing: Awaited<ReturnType<typeof handleChunk>>): Promise<void> {
  if (outgoing.length === 0) return;
  // One `send <topic>` span per message, parented on the handling that produced it (its headers).
  const flat = outgoing.map(({ topic, message }) => ({ ...message, topic }));
  await traceSendBatch(flat, async (traced) => {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, ...message } of traced) {
      const messages = byTopic.get(topic) ?? [];
      messages.push(message);
      byTopic.set(topic, messages);
    }
    await producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  });
}
