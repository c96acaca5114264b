// The persistence port of service one. The HTTP handlers and the result consumer depend on this
// interface; PostgresRequestStore implements it, unit tests pass an in-memory fake.
import type { ThreeResultEvent } from '../results/three-result-event.js';
import type { DataItem } from './new-request.js';

export const REQUEST_STATUSES = ['ACCEPTED', 'PUBLISHED', 'DELIVERED', 'FAILED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface StoredRequest {
  id: string;
  userId: string;
  prompt: string;
  data: DataItem[];
  status: RequestStatus;
  attempts: number;
  lastError: string | null;
  acceptedAt: Date;
  publishedAt: Date | null;
  completedAt: Date | null;
  updatedAt: Date;
}

export interface NewRequestRow {
  id: string;
  userId: string;
  prompt: string;
  data: DataItem[];
  acceptedAt: Date;
}

/** A message waiting in the outbox, already in the shape it is published in. */
export interface OutboxEntry {
  eventId: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

/**
 * applied: the request moved forward; stale: it is already as far or further; unknown: no such id;
 * invalid: the database refused the values (they passed validation but not a column's rules), so
 * applying it again can never succeed.
 */
export type ResultOutcome = 'applied' | 'stale' | 'unknown' | 'invalid';

export interface RequestStore {
  /** Stores the request and its outbox message in one transaction; resolves after the commit. */
  accept(request: NewRequestRow, message: OutboxEntry): Promise<void>;
  find(id: string): Promise<StoredRequest | null>;
  /** Applies a delivery outcome from service two, never moving a request backwards. */
  applyResult(result: ThreeResultEvent, receivedAt: Date): Promise<ResultOutcome>;
  /** Resolves when the database answers; for readiness. */
  ping(): Promise<void>;
}
