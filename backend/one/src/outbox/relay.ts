// The outbox relay: moves committed outbox rows to Kafka. Two triggers: `wake()` right after each
// commit (low latency) and a sweep on an interval (catches whatever a crash or an outage left).
// Rounds never overlap; wakes during a round coalesce into one more round, and a full batch is
// followed at once by the next, so a backlog drains at Kafka's pace.
import type { Logger } from '@pkg/logger';
import type { OneMetrics } from '../metrics.js';
import type { OutboxStore, PublishMessages } from './outbox-store.js';

export interface OutboxRelayOptions {
  store: OutboxStore;
  publish: PublishMessages;
  batchSize: number;
  sweepIntervalMs: number;
  logger: Logger;
  metrics: Pick<OneMetrics, 'outboxPublished' | 'outboxPublishFailures' | 'outboxPublishDuration'>;
  /** Monotonic milliseconds, injected for tests. */
  now?: () => number;
}

export interface OutboxRelay {
  start(): void;
  /** Ask for a round soon; cheap to call after every commit. */
  wake(): void;
  /** Stops the sweep, lets the running round finish, then tries once more to publish what is pending. */
  stop(): Promise<void>;
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
    await publish(messages);
    metrics.outboxPublishDuration.record((now() - started) / 1_000);
  };

  const round = async () => {
    for (;;) {
      const result = await store.publishPending(batchSize, timedPublish);
      if (result.kind === 'published') {
        if (failing) logger.info('outbox publishing recovered');
        failing = false;
        metrics.outboxPublished.add(result.count);
        if (result.count === batchSize) continue;
      } else if (result.kind === 'failed') {
        metrics.outboxPublishFailures.add(result.count);
        if (!failing)
          logger.warn('outbox publish failed; messages stay pending', {
            error: result.error.message,
            count: result.count,
          });
        failing = true;
      } else {
        failing = false;
      }
      return;
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
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
      // One last round even after failures: Kafka may be back, and what we publish now is not delayed.
      await run();
    },
    idle: async () => {
      await running;
    },
  };
}
