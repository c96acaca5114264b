import {
  restartingConsumer,
  traceSendBatch,
  type Consumer,
  type Kafka,
  type Message,
  type Producer,
} from '@pkg/kafka';
import type { Logger } from '@pkg/logger';
import { handleChunk, type ChunkHandlerDeps, type IncomingMessage } from './handle-chunk.js';
import { byteBoundedBatches, type Outgoing } from './outgoing.js';

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
  /** A chunk's results and dead letters go out in sends of at most this many bytes each. */
  maxPublishBatchBytes: number;
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
  const heartbeatIntervalMs = Math.floor(options.sessionTimeoutMs / 3);
  const stopping = new AbortController();
  let joined = false;
  const newConsumer = (): Consumer => {
    const consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs,
    });
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
    return consumer;
  };

  /**
   * One chunk, with heartbeats while it runs: a chunk held by a slow call, a long Retry-After or an
   * open breaker must not let the session time out (the group would hand the partition to another
   * member, which would call the third party for the same messages). When a heartbeat fails — a
   * rebalance is under way or this member was already evicted — the chunk's waits are cut short,
   * what completed is stored and the rest is left uncommitted for the partition's next owner.
   * Resolves undefined when the chunk was abandoned (stop or rebalance).
   */
  const handleWithHeartbeats = async (
    messages: IncomingMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<Outgoing[] | undefined> => {
    const abandon = new AbortController();
    const onStop = () => abandon.abort();
    stopping.signal.addEventListener('abort', onStop, { once: true });
    const beat = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        if (abandon.signal.aborted) return;
        logger.warn('heartbeat failed during a chunk; abandoning its waits so the group can rebalance', {
          error: error instanceof Error ? error.message : String(error),
        });
        abandon.abort();
      });
    }, heartbeatIntervalMs);
    try {
      return await handleChunk(options.handler, messages, abandon.signal);
    } catch (error) {
      if (abandon.signal.aborted) return undefined;
      throw error;
    } finally {
      clearInterval(beat);
      stopping.signal.removeEventListener('abort', onStop);
    }
  };

  const run = async (consumer: Consumer) => {
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
          const outgoing = await handleWithHeartbeats(messages, heartbeat);
          if (!outgoing) return; // abandoned: stays uncommitted, replayed later (what completed is stored)
          for (const sendable of byteBoundedBatches(outgoing, options.maxPublishBatchBytes))
            await publish(producer, sendable);
          resolveOffset(chunk[chunk.length - 1]!.offset);
          await heartbeat();
        }
      },
    });
  };
  // kafkajs stops a consumer for good after some crashes ("Failed to find group coordinator" while a
  // restarted broker loads its groups): a new one is started then, or two would never read again.
  const consumer = restartingConsumer({
    create: newConsumer,
    start: run,
    isStopping: () => stopping.signal.aborted,
    onRestart: (error) =>
      logger.error('the request consumer stopped after a crash; starting a new one', {
        error: error.message,
      }),
    onStartFailed: (error) =>
      logger.warn('starting a new request consumer failed; retrying', { error: error.message }),
  });

  return {
    start: () => consumer.start(),
    isJoined: () => joined,
    async stop() {
      stopping.abort();
      // disconnect() waits for the running batch (its in-flight chunk now aborts), commits what was
      // resolved, and leaves the group so the partitions move on at once.
      await consumer.disconnect();
    },
  };
}

async function publish(producer: Producer, outgoing: readonly Outgoing[]): Promise<void> {
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
