// The audit every drill ends with, for every request that got 201:
// - at the stub, by request id (= Idempotency-Key): was the third party called, and answered 200
//   once (`lost`, `duplicated`, ...);
// - in one (GET /one/{id}): does its final status match what the third party saw — DELIVERED for
//   an id the stub answered 200, FAILED for one rightly given up (`settled`) (`statusMismatches`);
// - on `one-request`: how many messages carry its key — exactly one is expected, the outbox
//   publishes each row once with an idempotent producer and one send in flight
//   (`notPublished`, `publishedMoreThanOnce`).
//
// API for drills: `auditDeliveries(system, ids, { timeoutMs, settled? })` → `DeliveryAudit`, and
// `auditPasses(audit)` for the rule all of them share; spread the audit into the drill's counts.
import { eventually } from '@pkg/testkit';
import { Topics } from '@pkg/kafka';
import type { SystemUnderTest } from '../../bench/harness/system-under-test.js';
import { drillKafka } from './drill.js';
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

export interface DeliveryAudit extends DeliveryCounts {
  /** Ids whose status in one (GET /one/{id}) disagrees with what the third party saw. */
  statusMismatches: number;
  /** Ids with no message on one-request. */
  notPublished: number;
  /** Ids with more than one message on one-request. */
  publishedMoreThanOnce: number;
  maxPublishesForOneId: number;
}

export interface AuditOptions {
  /** Bound for deliveries to complete, and again for one's statuses to catch up. */
  timeoutMs: number;
  /** Ids rightly given up (e.g. dead-lettered after every attempt failed): FAILED is expected. */
  settled?: () => Set<string>;
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
 * otherwise (e.g. rightly dead-lettered), then counts at the stub only.
 */
export async function awaitDeliveries(
  stub: StubThirdParty,
  ids: readonly string[],
  { timeoutMs, settled = () => new Set<string>() }: AuditOptions,
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

/** The full audit: the stub's counts, one's statuses, and the messages on one-request per id. */
export async function auditDeliveries(
  system: Pick<SystemUnderTest, 'stub' | 'oneUrl' | 'infra'>,
  ids: readonly string[],
  options: AuditOptions,
): Promise<DeliveryAudit> {
  const settled = options.settled ?? (() => new Set<string>());
  const counts = await awaitDeliveries(system.stub, ids, { ...options, settled });
  const calls = await system.stub.calls();
  const done = settled();
  const expected = (id: string) =>
    (calls.byKey[id]?.ok ?? 0) > 0 ? 'DELIVERED' : done.has(id) ? 'FAILED' : 'DELIVERED';
  // two reports on three-result after the call; one applies it a moment later.
  let mismatched: string[] = [...ids];
  await eventually(
    async () => {
      mismatched = await statusMismatches(system.oneUrl, mismatched, expected);
      return mismatched.length === 0;
    },
    { timeoutMs: options.timeoutMs, intervalMs: 1_000, message: "one's statuses match the third party" },
  ).catch(() => undefined);
  const published = await countMessagesByKey(system.infra.kafkaBrokers, Topics.oneRequest, new Set(ids));
  const perId = ids.map((id) => published.get(id) ?? 0);
  return {
    ...counts,
    statusMismatches: mismatched.length,
    notPublished: perId.filter((count) => count === 0).length,
    publishedMoreThanOnce: perId.filter((count) => count > 1).length,
    maxPublishesForOneId: Math.max(0, ...perId),
  };
}

/** The rule every drill shares: nothing lost, nothing twice, one tells the truth. */
export function auditPasses(audit: DeliveryAudit): boolean {
  return (
    audit.accepted > 0 &&
    audit.lost === 0 &&
    audit.duplicated === 0 &&
    audit.statusMismatches === 0 &&
    audit.notPublished === 0 &&
    audit.publishedMoreThanOnce === 0
  );
}

export const AUDIT_RULE =
  'every 201: delivered (lost = 0), answered 200 once (duplicated = 0), final status in one matches ' +
  'the third party (statusMismatches = 0), exactly one message on one-request ' +
  '(notPublished = 0, publishedMoreThanOnce = 0)';

async function statusMismatches(
  oneUrl: string,
  ids: readonly string[],
  expected: (id: string) => string,
): Promise<string[]> {
  const mismatched: string[] = [];
  for (const id of ids) {
    const response = await fetch(`${oneUrl}/one/${id}`, { signal: AbortSignal.timeout(5_000) }).catch(
      () => undefined,
    );
    const status = response?.ok ? ((await response.json()) as { status: string }).status : undefined;
    if (status !== expected(id)) mismatched.push(id);
  }
  return mismatched;
}

/**
 * Reads `topic` from the beginning up to its current end with a group of its own and counts the
 * messages per key, for the keys asked about.
 */
async function countMessagesByKey(
  broker: string,
  topic: string,
  keys: ReadonlySet<string>,
): Promise<Map<string, number>> {
  const kafka = drillKafka(broker, 'faults-audit');
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(
    ends.filter(({ high }) => BigInt(high) > 0n).map(({ partition, high }) => [partition, BigInt(high)]),
  );
  const counts = new Map<string, number>();
  if (remaining.size === 0) return counts;
  const consumer = kafka.consumer({ groupId: `faults-audit-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let reachedEnd: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      reachedEnd = resolve;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key?.toString('utf8') ?? '';
        if (keys.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
        if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) remaining.delete(partition);
        if (remaining.size === 0) reachedEnd();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`could not read ${topic} to its end within 120 s`)),
          120_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return counts;
}
