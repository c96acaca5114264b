// Kafka stopped for 60 s (15 s in the quick run) under a steady 20 req/s. Before the fix each failed
// round left another unbounded send running, and on recovery they all went through: messages were
// published several times and one's memory grew; /readyz kept saying Kafka was up. Now: nothing
// lost or published twice, one's RSS after the drain within 20 % of before, and throughout the
// outage /readyz answers 200 (the outbox absorbs it) with checks.kafka "down", and the backlog
// gauges grow; after it, kafka "up" and the backlog back to 0. "Before" is measured after a warm-up
// outage of the same length and its drain.
import { eventually } from '@pkg/testkit';
import type { NodeProcess } from '../../bench/harness/node-process.js';
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { pause, startKafkaAgain, type Drill } from './drill.js';
import { probeOne, type OneProbe } from './one-probe.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

const MAX_RSS_GROWTH = 0.2;
const WARM_UP_OUTAGES = 1;

export const longKafkaOutage: Drill = async ({ system, quick, log }) => {
  const outageS = quick ? 15 : 60;
  // Warm-up: the same outage once before, and its drain, so one has already grown its heap for such
  // a backlog (V8 keeps what it grew). What must not happen is growth from one outage to the next:
  // before the fix, every failed round left another send and its messages behind. RSS is compared
  // at rest both times (idleRss).
  const warmUpRss: number[] = [];
  let twoRestarts = 0;
  for (let round = 0; round < WARM_UP_OUTAGES; round += 1) {
    const warmUp = steadyLoad(system.oneUrl, 20);
    await pause(3_000);
    await system.infra.stopKafka();
    await pause(outageS * 1_000);
    if ((await startKafkaAgain({ system, log })).twoRestartedAfterKafka) twoRestarts += 1;
    await warmUp.stop();
    await eventually(async () => (await probeOne(system.oneUrl)).backlog === 0, {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      message: 'the warm-up backlog drained',
    });
    warmUpRss.push(await idleRss(system.one));
  }
  const rssBefore = warmUpRss.at(-1) ?? 0;
  const load = steadyLoad(system.oneUrl, 20);
  await pause(3_000);
  log(`stopping the private Kafka for ${outageS} s (one's RSS ${mb(rssBefore)} MB)`);
  await system.infra.stopKafka();
  const probes: OneProbe[] = [];
  const outageEnds = performance.now() + outageS * 1_000;
  while (performance.now() < outageEnds) {
    await pause(2_000);
    probes.push(await probeOne(system.oneUrl));
  }
  if ((await startKafkaAgain({ system, log })).twoRestartedAfterKafka) twoRestarts += 1;
  log('Kafka is back');
  await pause(3_000);
  const ids = acceptedIds(await load.stop());
  // Measured like the warm-ups (drained, then at rest) and before the audit, whose reads of
  // GET /one/{id} for every id would add memory of their own to the comparison.
  const after = await eventually(
    async () => {
      const probe = await probeOne(system.oneUrl);
      return probe.kafkaCheck === 'up' && probe.backlog === 0 && probe.backlogAgeSeconds === 0
        ? probe
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1_000, message: 'kafka up and an empty backlog after the outage' },
  ).catch(() => undefined);
  const rssAfter = await idleRss(system.one);
  const audit = await auditDeliveries(system, ids, { timeoutMs: 300_000 });
  // The first probes may come before a round has failed: judge the outage from the second half.
  const late = probes.slice(Math.floor(probes.length / 2));
  const readyThroughout = probes.every((probe) => probe.readyzStatus === 200);
  const kafkaReportedDown = late.every((probe) => probe.kafkaCheck === 'down');
  const backlogGrew =
    late.every((probe) => (probe.backlog ?? 0) > 0 && (probe.backlogAgeSeconds ?? 0) > 0) &&
    (late.at(-1)?.backlog ?? 0) > (late[0]?.backlog ?? 0);
  const rssGrowth = rssBefore > 0 ? rssAfter / rssBefore - 1 : Infinity;
  return {
    pass:
      auditPasses(audit) &&
      readyThroughout &&
      kafkaReportedDown &&
      backlogGrew &&
      after !== undefined &&
      rssGrowth <= MAX_RSS_GROWTH,
    rule:
      `${AUDIT_RULE}; /readyz 200 throughout with checks.kafka "down" and a growing backlog (+ age) in the ` +
      `outage's second half, kafka "up" and backlog 0 after it; RSS after ≤ ${MAX_RSS_GROWTH * 100} % above before`,
    counts: {
      outageSeconds: outageS,
      twoRestartsAfterKafka: twoRestarts,
      probes: probes.length,
      readyThroughout,
      kafkaReportedDown,
      backlogGrew,
      maxBacklog: Math.max(0, ...probes.map((probe) => probe.backlog ?? 0)),
      maxBacklogAgeSeconds: Math.round(Math.max(0, ...probes.map((probe) => probe.backlogAgeSeconds ?? 0))),
      truthfulAfter: after !== undefined,
      warmUpRssMb: warmUpRss.map(mb).join(' → '),
      rssBeforeMb: mb(rssBefore),
      rssAfterMb: mb(rssAfter),
      rssGrowthPercent: Math.round(rssGrowth * 100),
      ...audit,
    },
  };
};

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * RSS at rest: after 10 s without load (V8 gives memory back after idle-time GCs), the lowest of
 * five samples a second apart. Measured the same way before and after, so the two compare.
 */
async function idleRss(process: NodeProcess): Promise<number> {
  await pause(10_000);
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    samples.push(process.rssBytes());
    await pause(1_000);
  }
  return Math.min(...samples);
}
