// The third party or the auth server down for 30 s (10 s in the quick run) under steady load: two
// must pause, not dead-letter. Every 201 is delivered after the outage, none is dead-lettered, no id
// is called more often than two's attempt bound, and the consumer lag grows during the outage and
// drains after it (read from two's /metrics).
//   third party down: /three answers 503 to every call (the breaker opens; its refusals are no attempts)
//   token server down: two restarted without a cached token while the token endpoint resets every
//   connection, then answers 429
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { pause, type Drill, type DrillContext } from './drill.js';
import { watchDeadLetters } from './flaky-third-party.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

/** two's default three.maxAttempts: failed calls while the breaker is closed, before a dead letter. */
const MAX_ATTEMPTS = 5;
/** two's default three.breaker.halfOpenAfterMs: one probe call per this long while the breaker is open. */
const HALF_OPEN_AFTER_S = 10;

/** Sum of two_consumer_lag over partitions, from two's /metrics (refreshed by two every 5 s). */
async function consumerLag(twoUrl: string): Promise<number> {
  const text = await fetch(`${twoUrl}/metrics`).then((response) => response.text());
  return text
    .split('\n')
    .filter((line) => line.startsWith('two_consumer_lag{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function outageUnderLoad(
  { system, quick, log }: DrillContext,
  what: string,
  fault: { begin(): Promise<void>; end(): Promise<void> },
) {
  const outageS = quick ? 10 : 30;
  // What one id may need: its attempts, plus the failures that opened the breaker and the half-open
  // probes during the outage, which two does not count against it (they are the outage's).
  const callBound = MAX_ATTEMPTS + Math.ceil(outageS / HALF_OPEN_AFTER_S) + 1;
  const deadLetters = await watchDeadLetters(system.infra.kafkaBrokers);
  try {
    const load = steadyLoad(system.oneUrl, 20);
    await pause(3_000);
    log(`${what} for ${outageS} s`);
    await fault.begin();
    let peakLag = 0;
    for (let waited = 0; waited < outageS; waited += 1) {
      await pause(1_000);
      peakLag = Math.max(peakLag, await consumerLag(system.twoUrl).catch(() => 0));
    }
    await fault.end();
    log(`${what}: over`);
    await pause(3_000);
    const ids = acceptedIds(await load.stop());
    const counts = await auditDeliveries(system, ids, { timeoutMs: 180_000 });
    // The lag metric is refreshed every 5 s: give it two refreshes after the last delivery.
    await pause(11_000);
    const lagAfter = await consumerLag(system.twoUrl).catch(() => -1);
    const deadLettered = ids.filter((id) => deadLetters.ids.has(id)).length;
    return {
      pass:
        ids.length > 0 &&
        auditPasses(counts) &&
        deadLettered === 0 &&
        counts.maxCallsForOneId <= callBound &&
        peakLag > 0 &&
        lagAfter === 0,
      rule:
        `${AUDIT_RULE}; 0 dead-lettered, at most ${callBound} ` +
        `calls for one id (${MAX_ATTEMPTS} attempts + the breaker's opening failure and probes), ` +
        'consumer lag > 0 during the outage and 0 after it',
      counts: { outageSeconds: outageS, ...counts, callBound, deadLettered, peakLag, lagAfter },
    };
  } finally {
    await fault.end();
    await deadLetters.stop();
  }
}

export const thirdPartyDown: Drill = (context) =>
  outageUnderLoad(context, 'the third party answers 503 to every call', {
    begin: () => context.system.stub.setFailRate(1),
    end: () => context.system.stub.setFailRate(0),
  });

export const tokenServerDown: Drill = (context) => {
  const { system, quick } = context;
  const halfS = (quick ? 10 : 30) / 2;
  let switchTo429: NodeJS.Timeout | undefined;
  return outageUnderLoad(context, 'the token endpoint resets connections, then answers 429', {
    begin: async () => {
      await system.stub.setTokenMode('reset');
      // A fresh two has no cached token: every message needs the endpoint that is down.
      await system.two.stop();
      system.two = await system.startTwo();
      switchTo429 = setTimeout(() => void system.stub.setTokenMode('429'), halfS * 1_000);
    },
    end: async () => {
      clearTimeout(switchTo429);
      await system.stub.setTokenMode('ok');
    },
  });
};
