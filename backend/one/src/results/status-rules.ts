// Which stored statuses a delivery outcome may replace. Events can arrive twice or out of order
// (at-least-once Kafka, retries in two), so an update is a compare-and-set on the current status:
// ACCEPTED → PUBLISHED → FAILED → DELIVERED. DELIVERED is final. A later FAILED report with more
// attempts refreshes attempts and error; a FAILED can still become DELIVERED (e.g. a DLQ replay).
import type { RequestStatus } from '../requests/request-store.js';
import type { ThreeResultEvent } from './three-result-event.js';

export interface ReplaceableState {
  /** Stored statuses the event always replaces. */
  statuses: RequestStatus[];
  /** Also replace a FAILED request that recorded fewer attempts than this. */
  failedWithFewerAttemptsThan?: number;
}

export function replaceableBy(event: Pick<ThreeResultEvent, 'status' | 'attempts'>): ReplaceableState {
  if (event.status === 'DELIVERED') return { statuses: ['ACCEPTED', 'PUBLISHED', 'FAILED'] };
  return { statuses: ['ACCEPTED', 'PUBLISHED'], failedWithFewerAttemptsThan: event.attempts };
}

/** The same rule for one stored state, for callers (and tests) holding the row in memory. */
export function mayReplace(
  current: { status: RequestStatus; attempts: number },
  event: Pick<ThreeResultEvent, 'status' | 'attempts'>,
): boolean {
  const rule = replaceableBy(event);
  if (rule.statuses.includes(current.status)) return true;
  return (
    current.status === 'FAILED' &&
    rule.failedWithFewerAttemptsThan !== undefined &&
    current.attempts < rule.failedWithFewerAttemptsThan
  );
}
