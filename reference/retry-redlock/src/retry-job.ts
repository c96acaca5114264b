import type { DeliveryRepository, FailedDelivery } from './deliveries.js';

/** What the job needs from a lock: Redlock and its Lock satisfy these structurally. */
export interface HeldLock {
  release(): Promise<unknown>;
  extend(durationMs: number): Promise<HeldLock>;
}
export interface LockService {
  acquire(resources: string[], durationMs: number, settings?: { retryCount?: number }): Promise<HeldLock>;
}

export type RetryEvent =
  | { type: 'retried'; id: string; ok: boolean }
  | { type: 'skipped'; id: string; reason: 'locked' | 'no-longer-failed' }
  | { type: 'lock-lost'; id: string; error: unknown }
  | { type: 'release-failed'; id: string; error: unknown }
  | { type: 'error'; id?: string; error: unknown };

export interface RetryJobOptions {
  locks: LockService;
  deliveries: DeliveryRepository;
  /** Does the actual redelivery; must stop when `signal` aborts (the lock was lost). */
  deliver: (item: FailedDelivery, signal: AbortSignal) => Promise<void>;
  /** Lock time-to-live. Short, so a crashed holder frees the item soon; extended while work runs. */
  lockTtlMs?: number;
  batchSize?: number;
  /** Namespaces the lock keys, e.g. per environment or per table. */
  lockPrefix?: string;
  onEvent?: (event: RetryEvent) => void;
}

export interface RetryJob {
  /** One pass: list failed items and retry each one that no other replica holds. */
  runOnce(): Promise<void>;
  /** Runs a pass every `intervalMs`, never overlapping passes of this instance. */
  start(intervalMs: number): void;
  /** Stops the interval and waits for the pass in progress. */
  stop(): Promise<void>;
}

export function createRetryJob(options: RetryJobOptions): RetryJob {
  const { locks, deliveries, deliver } = options;
  const ttl = options.lockTtlMs ?? 10_000;
  const emit = options.onEvent ?? (() => {});
  const lockKey = (id: string) => `${options.lockPrefix ?? 'retry:delivery'}:${id}`;

  async function retryUnderLock(item: FailedDelivery): Promise<void> {
    let lock: HeldLock;
    try {
      // retryCount 0: if another replica holds the item, move on instead of queueing behind it.
      lock = await locks.acquire([lockKey(item.id)], ttl, { retryCount: 0 });
    } catch {
      return emit({ type: 'skipped', id: item.id, reason: 'locked' });
    }
    const lost = new AbortController();
    // Extend at half the TTL so long work keeps the lock; if extending fails, stop the work.
    let timer: NodeJS.Timeout | undefined;
    const scheduleExtension = () => {
      timer = setTimeout(() => {
        lock.extend(ttl).then(
          (extended) => {
            lock = extended;
            if (!lost.signal.aborted) scheduleExtension();
          },
          (error: unknown) => {
            emit({ type: 'lock-lost', id: item.id, error });
            lost.abort(error);
          },
        );
      }, ttl / 2);
    };
    try {
      // Another replica may have retried it between our list and our lock.
      if (!(await deliveries.isFailed(item.id))) {
        return emit({ type: 'skipped', id: item.id, reason: 'no-longer-failed' });
      }
      scheduleExtension();
      try {
        await deliver(item, lost.signal);
        lost.signal.throwIfAborted(); // finished, but without the lock: do not record as ours
        await deliveries.markDelivered(item.id);
        emit({ type: 'retried', id: item.id, ok: true });
      } catch (error) {
        if (lost.signal.aborted) throw error;
        await deliveries.recordFailedAttempt(item.id, String(error));
        emit({ type: 'retried', id: item.id, ok: false });
      }
    } finally {
      clearTimeout(timer);
      lost.abort();
      // A failed release is harmless: the lock expires after its TTL. Never let it crash the job.
      await lock.release().catch((error: unknown) => emit({ type: 'release-failed', id: item.id, error }));
    }
  }

  async function runOnce(): Promise<void> {
    const items = await deliveries.listFailed(options.batchSize ?? 100);
    for (const item of items) {
      try {
        await retryUnderLock(item);
      } catch (error) {
        // One bad item (or a lost lock) must not stop the others.
        emit({ type: 'error', id: item.id, error });
      }
    }
  }

  let interval: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  return {
    runOnce,
    start(intervalMs) {
      interval = setInterval(() => {
        if (running) return; // the previous pass is still going
        running = runOnce()
          .catch((error: unknown) => emit({ type: 'error', error }))
          .finally(() => (running = undefined));
      }, intervalMs);
    },
    async stop() {
      clearInterval(interval);
      await running;
    },
  };
}
