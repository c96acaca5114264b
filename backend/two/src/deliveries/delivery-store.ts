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

/**
 * Batch-shaped on purpose: the consumer handles a chunk of messages at a time, and one query per
 * chunk instead of one per message is what lets it keep up with Kafka (see bench/).
 */
export interface DeliveryStore {
  /** Records first sight of each id (status PENDING) and returns every id's current row. */
  claim(requestIds: readonly string[], seenAt: Date): Promise<Map<string, DeliveryRecord>>;
  finish(deliveries: readonly FinishedDelivery[]): Promise<void>;
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
