// Rebalances of two's consumer group under load, each ending with the per-201 audit:
//   a call slower than the session timeout: two instances of two in one group with a 6 s session
//   timeout while the stub answers /three 9 s late. two heartbeats while a chunk runs, so nobody is
//   evicted; and a delivery in flight holds a lease on its row, so even a rebalance could not make
//   the partition's next owner call the same id again.
//   scale out and in: a second two joins the group mid-load and later leaves by SIGTERM (the
//   everyday rebalance when the service scales), while /three answers 300 ms late so calls are in
//   flight at each rebalance. Both instances' /readyz and two_consumer_lag are probed every second.
// The stub answers every call 200: any id called twice is a double call (`calledMoreThanOnce`).
import { readFileSync } from 'node:fs';
import type { NodeProcess } from '../../bench/harness/node-process.js';
import { BENCH_LOG_DIR } from '../../bench/harness/paths.js';
import { PORTS } from '../../bench/harness/system-under-test.js';
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { pause, type Drill, type DrillContext } from './drill.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

const SECOND_TWO = { TWO_HTTP__PORT: String(PORTS.twoSecond) };
const secondTwoUrl = `http://127.0.0.1:${PORTS.twoSecond}`;

/** Times either two instance (re)joined its group so far, from their logs. */
function groupJoins(): number {
  let joins = 0;
  for (const file of [`${BENCH_LOG_DIR}/two.log`, `${BENCH_LOG_DIR}/two-${PORTS.twoSecond}.log`]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // not started yet
    }
    joins += text.split('"msg":"joined the consumer group"').length - 1;
  }
  return joins;
}

/** Restarts the main two with `env` (its defaults when empty) and starts a second one like it. */
async function twoInstances({ system }: DrillContext, env: Record<string, string>): Promise<NodeProcess> {
  await system.two.stop();
  system.two = await system.startTwo(env);
  return system.startTwo({ ...env, ...SECOND_TWO });
}

/** Back to one two with its defaults, for the drills after this one. */
async function oneDefaultTwo({ system }: DrillContext, second: NodeProcess | undefined) {
  await second?.stop();
  await system.stub.setThreeDelay(0);
  await system.two.stop();
  system.two = await system.startTwo();
}

/** Sum of two_consumer_lag over partitions from one instance's /metrics; undefined when unreadable. */
async function consumerLag(twoUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${twoUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const lines = (await response.text()).split('\n').filter((line) => line.startsWith('two_consumer_lag{'));
    if (!response.ok || lines.length === 0) return undefined;
    const lag = lines.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    return Number.isFinite(lag) && lag >= 0 ? lag : undefined;
  } catch {
    return undefined;
  }
}

async function ready(twoUrl: string): Promise<boolean> {
  return fetch(`${twoUrl}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
    (response) => response.status === 200,
    () => false,
  );
}

const SESSION_TIMEOUT_MS = 6_000;
const SLOW_ANSWER_MS = 9_000;

export const slowCall: Drill = async (context) => {
  const { system, log } = context; // make faults only (about a minute), so no quick variant
  let second: NodeProcess | undefined;
  try {
    // The broker's minimum session timeout; a call may take up to 2 × 12 s; a stop waits for one.
    second = await twoInstances(context, {
      TWO_KAFKA__SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      TWO_THREE__TIMEOUT_MS: '12000',
      TWO_SHUTDOWN_TIMEOUT_MS: '30000',
    });
    await pause(SESSION_TIMEOUT_MS * 2); // the group settles after the second member joined
    await system.stub.setThreeDelay(SLOW_ANSWER_MS);
    const joinsBefore = groupJoins();
    log(`two instances, session timeout ${SESSION_TIMEOUT_MS} ms; /three answers ${SLOW_ANSWER_MS} ms late`);
    const load = steadyLoad(system.oneUrl, 10);
    await pause(10_000);
    const ids = acceptedIds(await load.stop());
    // Every call of the load is in flight for 9 s, past the session timeout: wait them out.
    await pause(SLOW_ANSWER_MS + SESSION_TIMEOUT_MS);
    const rejoins = groupJoins() - joinsBefore;
    await system.stub.setThreeDelay(0);
    const counts = await auditDeliveries(system, ids, { timeoutMs: 120_000 });
    return {
      pass: ids.length > 0 && auditPasses(counts) && counts.calledMoreThanOnce === 0 && rejoins === 0,
      rule:
        `${AUDIT_RULE}; no id called twice (calledMoreThanOnce = 0; the stub answers every call 200); ` +
        `no member rejoined the group while calls took ${SLOW_ANSWER_MS} ms (rejoins = 0)`,
      counts: {
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        answerDelayMs: SLOW_ANSWER_MS,
        ...counts,
        rejoins,
      },
    };
  } finally {
    await oneDefaultTwo(context, second);
  }
};

interface InstanceProbes {
  probes: number;
  notReady: number;
  lagUnreadable: number;
  /** Seconds into the drill of each failed probe, with what failed. */
  failures: string[];
}

export const scaleOutAndIn: Drill = async (context) => {
  const { system, quick, log } = context;
  const step = quick ? 6_000 : 15_000;
  const probes = {
    first: { probes: 0, notReady: 0, lagUnreadable: 0, failures: [] as string[] },
    second: { probes: 0, notReady: 0, lagUnreadable: 0, failures: [] as string[] },
  };
  let second: NodeProcess | undefined;
  let secondUp = false;
  let probing = true;
  let round: Promise<unknown> = Promise.resolve();
  const probe = async (url: string, into: InstanceProbes) => {
    const [isReady, lag] = await Promise.all([ready(url), consumerLag(url)]);
    into.probes += 1;
    if (!isReady) into.notReady += 1;
    if (lag === undefined) into.lagUnreadable += 1;
    if (!isReady || lag === undefined)
      into.failures.push(
        `${Math.round((performance.now() - started) / 1_000)} s: ${isReady ? '' : 'not ready '}${lag === undefined ? 'no lag' : ''}`,
      );
  };
  const started = performance.now();
  const prober = (async () => {
    while (probing) {
      round = Promise.all([
        probe(system.twoUrl, probes.first),
        secondUp ? probe(secondTwoUrl, probes.second) : undefined,
      ]);
      await round;
      await pause(1_000);
    }
  })();
  try {
    await system.stub.setThreeDelay(300);
    const load = steadyLoad(system.oneUrl, 20);
    await pause(step);
    log('a second two joins the group');
    second = await system.startTwo(SECOND_TWO);
    secondUp = true;
    await pause(step);
    log(`SIGTERM to the second two (pid ${second.pid})`);
    secondUp = false;
    await round; // no probe of it may race the SIGTERM
    await second.stop();
    const secondExitCode = second.exitCode();
    second = undefined;
    await pause(step / 2);
    const ids = acceptedIds(await load.stop());
    await system.stub.setThreeDelay(0);
    const counts = await auditDeliveries(system, ids, { timeoutMs: 120_000 });
    // two_consumer_lag is refreshed every 5 s: two refreshes after the last delivery.
    await pause(11_000);
    probing = false;
    await prober;
    const lagAfter = await consumerLag(system.twoUrl);
    const probed = (p: InstanceProbes) => p.probes > 0 && p.notReady === 0 && p.lagUnreadable === 0;
    return {
      pass:
        ids.length > 0 &&
        auditPasses(counts) &&
        counts.calledMoreThanOnce === 0 &&
        secondExitCode === 0 &&
        probed(probes.first) &&
        probed(probes.second) &&
        lagAfter === 0,
      rule:
        `${AUDIT_RULE}; no id called twice (calledMoreThanOnce = 0; the stub answers every call 200); ` +
        'the second two exits 0 on SIGTERM; /readyz 200 and two_consumer_lag readable on every probe ' +
        'of each running instance (every second); lag 0 after the drain',
      counts: {
        ...counts,
        secondExitCode: secondExitCode ?? 'killed',
        firstProbes: probes.first.probes,
        firstNotReady: probes.first.notReady,
        firstLagUnreadable: probes.first.lagUnreadable,
        secondProbes: probes.second.probes,
        secondNotReady: probes.second.notReady,
        secondLagUnreadable: probes.second.lagUnreadable,
        failedProbes: [
          ...probes.first.failures.map((f) => `first ${f}`),
          ...probes.second.failures.map((f) => `second ${f}`),
        ].join('; '),
        lagAfter: lagAfter ?? 'unreadable',
      },
    };
  } finally {
    probing = false;
    await prober;
    await second?.stop();
    await system.stub.setThreeDelay(0);
  }
};
