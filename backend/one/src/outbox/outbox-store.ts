import type { OutboxEntry } from '../requests/request-store.js';

/**
 * What became of one claimed batch. `published`: the broker acknowledged them. `rejected`: the
 * broker refused each of them on its own for good (larger than it accepts), so retrying can never
 * succeed. `failure`: what stopped the rest, which stay pending for the next round.
 */
export interface PublishOutcome {
  published: readonly string[];
  rejected: readonly { eventId: string; reason: string }[];
  failure?: Error;
}

/** Sends a batch of outbox messages and tells, per message, what happened; never throws. */
export type PublishMessages = (messages: readonly OutboxEntry[]) => Promise<PublishOutcome>;

/** One round's counts; `claimed` 0 means there was nothing to publish. */
export interface PublishRound {
  claimed: number;
  published: number;
  rejected: number;
  /** Left pending by `error`. */
  failed: number;
  error?: Error;
}

export interface OutboxBacklog {
  /** Messages neither published nor rejected. */
  pending: number;
  /** Age of the oldest of them in seconds; 0 when none is pending. */
  oldestAgeSeconds: number;
}

export interface OutboxStore {
  /**
   * Claims up to `limit` unpublished messages (rows other relays hold are skipped), hands them to
   * `publish`, marks what was published or rejected, and records the failure on the rest.
   */
  publishPending(limit: number, publish: PublishMessages): Promise<PublishRound>;
  backlog(): Promise<OutboxBacklog>;
}
