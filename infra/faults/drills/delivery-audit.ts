// The count every delivery drill ends with, taken at the stub by request id (= Idempotency-Key):
// each id that got a 201 must have exactly one successful third-party call.
import { eventually } from '@pkg/testkit';
import type { StubCalls, StubThirdParty } from '../../bench/harness/stub-third-party.js';

export interface DeliveryCounts {
  accepted: number;
  delivered: number;
  lost: number;
  /** Ids the third party answered 200 more than once: delivered twice. */
  duplicated: number;
  /** Ids called more than once in all (retries after a 5xx, or a replay after a crash). */
  calledMoreThanOnce: number;
  maxCallsForOneId: number;
}

export function countDeliveries(
  ids: readonly string[],
  calls: StubCalls,
  excused = new Set<string>(),
): DeliveryCounts {
  let delivered = 0;
  let duplicated = 0;
  let calledMoreThanOnce = 0;
  let maxCallsForOneId = 0;
  for (const id of ids) {
    const entry = calls.byKey[id];
    if (!entry) continue;
    if (entry.ok >= 1) delivered += 1;
    if (entry.ok > 1) duplicated += 1;
    if (entry.calls > 1) calledMoreThanOnce += 1;
    maxCallsForOneId = Math.max(maxCallsForOneId, entry.calls);
  }
  const lost = ids.filter((id) => !(calls.byKey[id]?.ok ?? 0) && !excused.has(id)).length;
  return { accepted: ids.length, delivered, lost, duplicated, calledMoreThanOnce, maxCallsForOneId };
}

/**
 * Waits (bounded) until every accepted id reached the third party successfully or is `settled`
 * otherwise (e.g. rightly dead-lettered), then counts.
 */
export async function awaitDeliveries(
  stub: StubThirdParty,
  ids: readonly string[],
  { timeoutMs, settled = () => new Set<string>() }: { timeoutMs: number; settled?: () => Set<string> },
): Promise<DeliveryCounts> {
  await eventually(
    async () => {
      const calls = await stub.calls();
      const done = settled();
      return ids.every((id) => (calls.byKey[id]?.ok ?? 0) > 0 || done.has(id));
    },
    { timeoutMs, intervalMs: 500, message: `all ${ids.length} accepted requests delivered` },
  ).catch(() => undefined);
  return countDeliveries(ids, await stub.calls(), settled());
}
