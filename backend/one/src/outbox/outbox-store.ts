import type { OutboxEntry } from '../requests/request-store.js';

/** Sends a batch of outbox messages; resolves once the broker acknowledged all of them. */
export type PublishMessages = (messages: readonly OutboxEntry[]) => Promise<void>;

export type PublishRound =
  { kind: 'idle' } | { kind: 'published'; count: number } | { kind: 'failed'; count: number; error: Error };

export interface OutboxStore {
  /**
   * Claims up to `limit` unpublished messages (rows other relays hold are skipped), hands them to
   * `publish`, and marks them published; on failure records the error and leaves them pending.
   */
  publishPending(limit: number, publish: PublishMessages): Promise<PublishRound>;
  countPending(): Promise<number>;
}
