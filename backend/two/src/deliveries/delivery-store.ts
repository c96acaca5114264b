/** What two remembers per request id (table `delivery`, database `two`). */
export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface DeliveryRecord {
  requestId: string;
  status: DeliveryStatus;
  attempts: number;
  deliveredAt: Date | null;
  /** While FAILED: the last error, the dead letter's reason and the message it was dead-lettered from. */
  lastError?: string | null;
  deadLetterReason?: string | null;
  deadLetteredFrom?: string | null;
}

/** The end of one handling of a request: delivered, or given up on (and dead-lettered). */
export interface FinishedDelivery {
  requestId: string;
  status: 'DELIVERED' | 'FAILED';
  /** Calls made to the third party in this handling; added to the stored count. */
  attempts: number;
  thirdPartyStatus: number | null;
  lastError: string | null;
  at: Date;
  /** FAILED only: the dead letter's reason and the message (topic/partition/offset) it copies. */
  deadLetter?: { reason: string; from: string };
}

/** A row as `claim` returns it: `leased` when this claim holds the request's lease now. */
export interface ClaimedDelivery extends DeliveryRecord {
  leased: boolean;
}

/**
 * Who may call the third party for a request: the instance holding its lease (owner + until, in the
 * database). A claim takes it for every request that is not DELIVERED and whose lease is free, expired
 * or already this owner's; a request leased by another instance is returned with `leased: false`.
 */
export interface Lease {
  owner: string;
  durationMs: number;
}

/**
 * Batch-shaped on purpose: the consumer handles a chunk of messages at a time, and one query per
 * chunk instead of one per message is what lets it keep up with Kafka (see bench/).
 */
export interface DeliveryStore {
  /**
   * Records first sight of each id (status PENDING), takes the lease of every id it can (see `Lease`)
   * and returns every id's current row — but for an id another instance inserted concurrently,
   * which has no entry: that instance holds its lease.
   */
  claim(requestIds: readonly string[], seenAt: Date, lease: Lease): Promise<Map<string, ClaimedDelivery>>;
  /** Extends the owner's leases; returns the ids it still held (a lease taken over after it expired is not). */
  renew(requestIds: readonly string[], lease: Lease): Promise<Set<string>>;
  /** Ends the owner's leases of these ids (a handling that stopped without an outcome). */
  release(requestIds: readonly string[], owner: string): Promise<void>;
  /** Stores the outcomes and ends `owner`'s leases of their ids. */
  finish(deliveries: readonly FinishedDelivery[], owner?: string): Promise<void>;
  find(requestId: string): Promise<DeliveryRecord | undefined>;
  /** Readiness: the database answers. */
  ping(): Promise<void>;
}

/**
 * One outcome per request id: the calls of every handling added up, and DELIVERED if any handling
 * delivered (a chunk can hold the same request twice, e.g. dead-lettered, replayed, then delivered).
 */
export function combinePerId(outcomes: readonly FinishedDelivery[]): FinishedDelivery[] {
  const byId = new Map<string, FinishedDelivery>();
  for (const outcome of outcomes) {
    const earlier = byId.get(outcome.requestId);
    if (!earlier) {
      byId.set(outcome.requestId, outcome);
      continue;
    }
    const kept = earlier.status === 'DELIVERED' ? earlier : outcome;
    byId.set(outcome.requestId, { ...kept, attempts: earlier.attempts + outcome.attempts });
  }
  return [...byId.values()];
}
