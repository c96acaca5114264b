import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer } from 'kafkajs';

export interface RestartingConsumerOptions {
  /** A new consumer (group, settings, event listeners): the first one and each replacement. */
  create: () => Consumer;
  /** Connects, subscribes and runs a consumer that `create` made. */
  start: (consumer: Consumer) => Promise<void>;
  /** True once the service is stopping: a crash then starts nothing new. */
  isStopping: () => boolean;
  /** kafkajs gave up on the consumer after `error`; a new one is being started. */
  onRestart: (error: Error) => void;
  /** Starting a replacement failed (the broker is still away); it is tried again after `retryDelayMs`. */
  onStartFailed?: (error: Error) => void;
  retryDelayMs?: number;
}

export interface RestartingConsumer {
  /** The consumer in use: the first one, or the latest replacement. */
  readonly current: Consumer;
  /** Starts the first consumer; rejects when that fails (the caller decides whether to retry). */
  start(): Promise<void>;
  /** Starts no more replacements, waits for one being started, and disconnects the consumer in use. */
  disconnect(): Promise<void>;
}

/**
 * A consumer that is replaced when kafkajs gives up on it. kafkajs restarts a crashed consumer only
 * after errors it deems retriable; after others — "Failed to find group coordinator" while a
 * restarted broker loads its groups is the one seen in the drills — it emits CRASH with
 * `restart: false` and stops for good: the service would never read its topic again while looking
 * alive. Then a new consumer is created and started (again and again until one starts, or the
 * service stops).
 */
export function restartingConsumer(options: RestartingConsumerOptions): RestartingConsumer {
  const { create, start, isStopping, onRestart, onStartFailed, retryDelayMs = 2_000 } = options;
  let current: Consumer;
  let replacing: Promise<void> = Promise.resolve();
  const disconnecting = new AbortController();
  const stopping = () => disconnecting.signal.aborted || isStopping();

  const replace = async (crashed: Consumer) => {
    await crashed.disconnect().catch(() => undefined);
    while (!stopping()) {
      const next = use(create());
      try {
        await start(next);
        return;
      } catch (error) {
        onStartFailed?.(error instanceof Error ? error : new Error(String(error)));
        await next.disconnect().catch(() => undefined);
        await sleep(retryDelayMs, undefined, { signal: disconnecting.signal }).catch(() => undefined);
      }
    }
  };

  const use = (consumer: Consumer): Consumer => {
    current = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || stopping() || consumer !== current) return;
      onRestart(payload.error);
      replacing = replace(consumer);
    });
    return consumer;
  };
  use(create());

  return {
    get current() {
      return current;
    },
    start: () => start(current),
    async disconnect() {
      disconnecting.abort();
      await replacing;
      await current.disconnect();
    },
  };
}
