// A dead-letter storm of the largest requests: the third party refuses every call for good (400),
// so each of ≈ 55 KB requests is dead-lettered, its copy of the request included, onto the single
// partition of one-request.dlq. two is stopped while they are posted and started after, so it reads
// them in full fetches. (The byte cap on dead-letter sends is proven by failures.feature, which
// lowers the topic's max.message.bytes; this drill checks the storm as a whole ends.) Before the byte cap, a chunk's dead letters went out in one send
// larger than the broker accepts; the chunk was retried, the requests called again, dead-lettered
// again, forever. Now: every request is called once, dead-lettered once, FAILED in one, and the
// requests after the storm are delivered (the partition is not stalled).
import { eventually, largeRequest } from '@pkg/testkit';
import { REQUEST_BODY } from '../../bench/harness/load.js';
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import type { Drill } from './drill.js';
import { watchDeadLetters } from './flaky-third-party.js';
import { acceptedIds, postAll } from './steady-load.js';

export const deadLetterStorm: Drill = async ({ system, quick, log }) => {
  const count = quick ? 60 : 300;
  const deadLetters = await watchDeadLetters(system.infra.kafkaBrokers);
  await system.stub.setFailStatus(400);
  await system.stub.setFailRate(1);
  try {
    // two is stopped while the requests pile up, so it fetches them in full batches.
    await system.two.stop();
    log(`third party refuses every call with 400; two stopped; posting ${count} requests of ≈ 55 KB`);
    const bodies = Array.from({ length: count }, (_, index) =>
      JSON.stringify(largeRequest('drill-storm', index)),
    );
    const stormIds = acceptedIds(await postAll(system.oneUrl, bodies, 4));
    system.two = await system.startTwo();
    log(`${stormIds.length} accepted; two started again`);
    await eventually(async () => stormIds.every((id) => deadLetters.ids.has(id)), {
      timeoutMs: quick ? 120_000 : 300_000,
      intervalMs: 500,
      message: `all ${stormIds.length} requests dead-lettered`,
    }).catch(() => undefined);
    const storm = await auditDeliveries(system, stormIds, {
      timeoutMs: 60_000,
      settled: () => new Set(stormIds.filter((id) => deadLetters.ids.has(id))),
    });
    const calls = await system.stub.calls();
    const deadLettered = stormIds.filter((id) => deadLetters.ids.has(id)).length;
    const deadLetteredMoreThanOnce = stormIds.filter((id) => (deadLetters.perId.get(id) ?? 0) > 1).length;
    const calledMoreThanOnce = stormIds.filter((id) => (calls.byKey[id]?.calls ?? 0) > 1).length;

    log(`${deadLettered} dead-lettered; the third party accepts again, posting 20 ordinary requests`);
    await system.stub.setFailRate(0);
    const afterIds = acceptedIds(
      await postAll(
        system.oneUrl,
        Array.from({ length: 20 }, () => REQUEST_BODY),
        4,
      ),
    );
    const after = await auditDeliveries(system, afterIds, { timeoutMs: 120_000 });
    return {
      pass:
        stormIds.length === count &&
        deadLettered === count &&
        deadLetteredMoreThanOnce === 0 &&
        calledMoreThanOnce === 0 &&
        storm.statusMismatches === 0 &&
        storm.duplicated === 0 &&
        storm.notPublished === 0 &&
        storm.publishedMoreThanOnce === 0 &&
        afterIds.length === 20 &&
        auditPasses(after),
      rule:
        `all ${count} accepted, each called once (400), dead-lettered once and FAILED in one; ` +
        `then 20 ordinary requests: ${AUDIT_RULE}`,
      counts: {
        posted: count,
        accepted: stormIds.length,
        bodyBytes: Buffer.byteLength(bodies[0] ?? ''),
        deadLettered,
        deadLetteredMoreThanOnce,
        calledMoreThanOnce,
        stormStatusMismatches: storm.statusMismatches,
        stormPublishedMoreThanOnce: storm.publishedMoreThanOnce,
        afterStormAccepted: after.accepted,
        afterStormDelivered: after.delivered,
        afterStormLost: after.lost,
        afterStormDuplicated: after.duplicated,
      },
    };
  } finally {
    await system.stub.setFailRate(0);
    await system.stub.setFailStatus(503);
    await deadLetters.stop();
    if (system.two.exited()) system.two = await system.startTwo();
  }
};
