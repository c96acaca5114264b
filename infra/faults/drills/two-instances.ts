// Two instances of one behind the same database, under load on both. Their relays claim outbox rows
// with FOR UPDATE SKIP LOCKED: each row must be published by exactly one of them (both publish,
// none twice), and each request's result applied once (the results group splits three-result's
// partitions between them).
import { PORTS } from '../../bench/harness/system-under-test.js';
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { pause, type Drill } from './drill.js';
import { metricsText, sample } from './one-probe.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

export const twoInstances: Drill = async ({ system, quick, log }) => {
  const secondUrl = `http://127.0.0.1:${PORTS.oneSecond}`;
  const second = await system.startOne({ ONE_HTTP__PORT: String(PORTS.oneSecond) });
  log(`second instance of one on ${secondUrl} (pid ${second.pid})`);
  try {
    const before = await counters(system.oneUrl);
    const loads = [steadyLoad(system.oneUrl, 15), steadyLoad(secondUrl, 15)];
    await pause(quick ? 10_000 : 30_000);
    const ids = (await Promise.all(loads.map((load) => load.stop()))).flatMap(acceptedIds);
    const audit = await auditDeliveries(system, ids, { timeoutMs: 180_000 });
    const [first, other] = await Promise.all([counters(system.oneUrl), counters(secondUrl)]);
    const publishedByFirst = first.published - before.published;
    const publishedBySecond = other.published;
    const resultsApplied = first.applied - before.applied + other.applied;
    return {
      pass:
        auditPasses(audit) && publishedByFirst > 0 && publishedBySecond > 0 && resultsApplied === ids.length,
      rule: `${AUDIT_RULE}; both relays published (SKIP LOCKED shares the rows), results applied = accepted`,
      counts: { publishedByFirst, publishedBySecond, resultsApplied, ...audit },
    };
  } finally {
    await second.stop();
  }
};

async function counters(oneUrl: string) {
  const text = await metricsText(oneUrl);
  return {
    published: sample(text, 'one_outbox_published_total') ?? 0,
    applied: sample(text, 'one_results_received_total', 'outcome="applied"') ?? 0,
  };
}
