import { setTimeout as sleep } from 'node:timers/promises';
import type { ClaimedDelivery, DeliveryRecord, DeliveryStore, Lease } from '../deliveries/delivery-store.js';

/**
 * How long a lease lasts and how it is kept, from the longest one third-party call can take
 * (`callBoundMs`: connect + answer, 2 × three.timeoutMs). Waits (backoff, Retry-After, an open
 * breaker) are cut short when the chunk is abandoned; a call in flight is not. So:
 * - the lease lasts 3 call bounds and is renewed every half call bound while the chunk runs;
 * - when renewals keep failing (the database is away) and less than 2 call bounds of the last
 *   confirmed lease remain, the chunk is abandoned before another call can start: a call started
 *   before that ends while the lease still holds, so no other instance can call for the same request.
 */
export function leaseTimings(callBoundMs: number) {
  return {
    durationMs: 3 * callBoundMs,
    renewEveryMs: Math.max(50, Math.floor(callBoundMs / 2)),
    minRemainingMs: 2 * callBoundMs,
    /** How often a request leased by another instance is looked at again. */
    pollMs: Math.max(50, Math.min(1_000, Math.floor(callBoundMs / 4))),
  };
}

export interface LeaseSettings {
  /** This instance, unique per process (a restarted process is a new owner). */
  owner: string;
  /** Longest time one third-party call can take. */
  callBoundMs: number;
}

/**
 * The leases of one chunk: taken by its claim (or later, once another instance's lease ends), renewed
 * while the chunk runs, ended by `finish` (stored outcomes) or `release` (the rest). `lost` aborts
 * when a lease can no longer be vouched for: the chunk must stop before its next call.
 */
export class ChunkLeases {
  readonly held = new Set<string>();
  private readonly controller = new AbortController();
  private readonly timings;
  private readonly lease: Lease;
  /** performance.now() until which every held lease is known to last (measured from before the statement). */
  private confirmedUntil = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: DeliveryStore,
    settings: LeaseSettings,
    private readonly onLost: (why: string) => void = () => {},
  ) {
    this.timings = leaseTimings(settings.callBoundMs);
    this.lease = { owner: settings.owner, durationMs: this.timings.durationMs };
  }

  get owner(): string {
    return this.lease.owner;
  }

  /** Aborts when this chunk must stop calling: a lease expired unrenewed or was taken over. */
  get lost(): AbortSignal {
    return this.controller.signal;
  }

  async claim(requestIds: readonly string[], seenAt: Date): Promise<Map<string, ClaimedDelivery>> {
    const sentAt = performance.now();
    const records = await this.store.claim(requestIds, seenAt, this.lease);
    for (const record of records.values()) if (record.leased) this.held.add(record.requestId);
    this.confirmedUntil = sentAt + this.lease.durationMs;
    this.timer = setInterval(() => void this.renew(), this.timings.renewEveryMs);
    return records;
  }

  /**
   * For a request leased by another instance: waits until that lease ends (finished or expired),
   * then returns the row as it is then, leased to us unless it is DELIVERED. Never calls anything
   * itself, so the caller acts on the final state: skip a delivered request, deliver the others.
   */
  async acquire(requestId: string, seenAt: () => Date, signal: AbortSignal): Promise<DeliveryRecord> {
    for (;;) {
      await sleep(this.timings.pollMs, undefined, { signal });
      const record = (await this.store.claim([requestId], seenAt(), this.lease)).get(requestId);
      if (record?.leased) this.held.add(requestId);
      if (record && (record.leased || record.status === 'DELIVERED')) return record;
    }
  }

  private async renew(): Promise<void> {
    if (this.controller.signal.aborted) return;
    // Checked on every tick too: a renewal that hangs (a silent database) must not delay the verdict.
    if (this.confirmedUntil - performance.now() < this.timings.minRemainingMs)
      return this.lose('leases could not be renewed in time');
    const ids = [...this.held];
    const sentAt = performance.now();
    try {
      const still = await this.store.renew(ids, this.lease);
      const gone = ids.filter((id) => !still.has(id) && this.held.has(id));
      if (gone.length > 0) return this.lose(`${gone.length} lease(s) taken over by another instance`);
      this.confirmedUntil = sentAt + this.lease.durationMs;
    } catch (error) {
      if (this.confirmedUntil - performance.now() < this.timings.minRemainingMs)
        this.lose(`leases could not be renewed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private lose(why: string) {
    if (this.controller.signal.aborted) return;
    this.onLost(why);
    this.controller.abort(new Error(why));
  }

  /** Before `finish`, which ends the leases it stores outcomes for. */
  stopRenewing(): void {
    clearInterval(this.timer);
  }

  /** Ends the leases of the ids that were not finished (finish ended the others). */
  async release(finishedIds: ReadonlySet<string>): Promise<void> {
    this.stopRenewing();
    const unfinished = [...this.held].filter((id) => !finishedIds.has(id));
    await this.store.release(unfinished, this.lease.owner);
  }
}
