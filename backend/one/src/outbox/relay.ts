// The outbox relay: moves committed outbox rows to Kafka. Two triggers: `wake()` right after each
// commit (low latency) and a sweep on an interval (catches whatever a crash or an outage left).
// Rounds never overlap; wakes during a round coalesce into one more round, and a full batch is
// followed at once by the next, so a backlog drains at Kafka's pace. A round that Kafka refuses
// only partly (messages too large on their own) still counts as progress: those messages leave the
// queue (see kafka-publisher.ts), so they cannot hold back the rows claimed after them.
import type { Logger } from '@pkg/logger';
import type { OneMetrics } from '../metrics.js';
import type { OutboxStore, PublishMessages } from './outbox-store.js';

export interface OutboxRelayOptions {
  store: OutboxStore;
  publish: PublishMessages;
  batchSize: number;
  sweepIntervalMs: number;
  logger: Logger;
  metrics: Pick<
    OneMetrics,
    'outboxPublished' | 'outboxPublishFailures' | 'outboxPublishDuration' | 'outboxRejected'
  >;
  /** Monotonic milliseconds, injected for tests. */
  now?: () => number;
}

export interface OutboxRelay {
  start(): void;
  /** Ask for a round soon; cheap to call after every commit. */
  wake(): void;
  /**
   * Stops the sweep and lets the running round finish; then, unless Kafka was failing, one more
   * round publishes what is pending. Gives up waiting after `timeoutMs` (a send cannot be cancelled;
   * the process exits soon after, its transaction rolls back, and the rows stay pending for the next
   * start). Resolves true when it did not have to give up.
   */
  stop(timeoutMs: number): Promise<boolean>;
  /** Resolves when no round is running; for tests. */
  idle(): Promise<void>;
}

export function createOutboxRelay({
  store,
  publish,
  batchSize,
  sweepIntervalMs,
  logger,
  metrics,
  now = () => performance.now(),
}: OutboxRelayOptions): OutboxRelay {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  // After a failed round, commits stop triggering rounds until the sweep gets one through:
  // hammering an unreachable broker per request would only add load and log noise.
  let failing = false;

  const timedPublish: PublishMessages = async (messages) => {
    const started = now();
    const outcome = await publish(messages);
    if (!outcome.failure) metrics.outboxPublishDuration.record((now() - started) / 1_000);
    return outcome;
  };

  const round = async () => {
    for (;;) {
      const result = await store.publishPending(batchSize, timedPublish);
      metrics.outboxPublished.add(result.published);
      if (result.rejected > 0) {
        metrics.outboxRejected.add(result.rejected);
        logger.error('Kafka refused outbox messages as too large; their requests are FAILED', {
          count: result.rejected,
        });
      }
      if (result.failed > 0) {
        metrics.outboxPublishFailures.add(result.failed);
        if (!failing)
          logger.warn('outbox publish failed; messages stay pending', {
            error: result.error?.message,
            count: result.failed,
          });
        failing = true;
        return;
      }
      if (failing) logger.info('outbox publishing recovered');
      failing = false;
      if (result.claimed < batchSize) return;
    }
  };

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await round();
        } catch (error) {
          // The database is out of reach (or similar): the next sweep tries again.
          failing = true;
          logger.warn('outbox round failed', {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      } while (again && !failing);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    start() {
      timer ??= setInterval(() => void run(), sweepIntervalMs);
    },
    wake() {
      if (!failing) void run();
    },
    async stop(timeoutMs) {
      clearInterval(timer);
      timer = undefined;
      const deadline = now() + timeoutMs;
      const finished = async (work: Promise<void> | undefined) =>
        !work || (await settlesWithin(work, Math.max(0, deadline - now())));
      if (!(await finished(running))) return false;
      // One last round publishes what the last commits left, unless Kafka is failing: then that
      // round would only wait out the producer's retries and overrun the stop bound, while the
      // rows are just as safe in the outbox until the next start.
      if (failing) return true;
      return finished(run());
    },
    idle: async () => {
      await running;
    },
  };
}

async function settlesWithin(work: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
