// `make bench` / `make bench-quick` (BENCH_QUICK=1): brings up private PostgreSQL + Kafka, one,
// two and the stub; measures in one run the no-I/O Express ceiling, POST /one at full load, the
// 201 → third-party latency at half of that load, two's throughput, token fetches and peak RSS;
// writes docs/benchmarks/bench.{json,md}; stops everything it started.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Topics } from '@pkg/kafka';
import { acceptedRequestMessage, eventually } from '@pkg/testkit';
import kafkajs from 'kafkajs';
import { startCpuMeter, type CpuSeconds } from './harness/cpu-usage.js';
import { startNodeProcess } from './harness/node-process.js';
import { load, percentile } from './harness/load.js';
import { describeMachine, describeVersions } from './harness/machine.js';
import { BENCH_DATA_DIR, BENCH_LOG_DIR, DOCS_BENCHMARKS } from './harness/paths.js';
import { PORTS, withSystemUnderTest, type SystemUnderTest } from './harness/system-under-test.js';
import { benchMarkdown, type BenchResult } from './bench-report.js';

const quick = process.env.BENCH_QUICK === '1';
const parameters = {
  profile: quick ? 'quick' : 'full',
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  durationS: Number(process.env.BENCH_DURATION_S ?? (quick ? 4 : 20)),
  warmupS: quick ? 1 : 3,
  twoMessages: Number(process.env.BENCH_TWO_MESSAGES ?? (quick ? 2_000 : 20_000)),
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
  /** dist: the compiled build (`npm start`, the Dockerfiles); tsx: the sources through the loader. */
  build: process.env.BENCH_BUILD === 'tsx' ? ('tsx' as const) : ('dist' as const),
  /** OTLP export of traces, metrics and logs to a sink (the stub): on unless BENCH_OTLP=0. */
  otlpExport: process.env.BENCH_OTLP !== '0',
  /** Extra node flags for one and two (space-separated), e.g. heap limits; none by default. */
  serviceNodeFlags: (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
};
const log = (line: string) => console.log(`[bench] ${line}`);
const machine = describeMachine();
const startedAt = new Date().toISOString();
const profileDir = parameters.cpuProfile ? `${BENCH_DATA_DIR}/profiles/${Date.now()}` : undefined;

const result = await withSystemUnderTest(
  {
    log,
    cpuProfileDir: profileDir,
    build: parameters.build,
    otlp: parameters.otlpExport,
    serviceNodeFlags: parameters.serviceNodeFlags,
  },
  async (system) => {
    const versions = await describeVersions(system.infra.postgresUrl);

    log(`ceiling: Express without I/O, ${parameters.connections} connections, ${parameters.durationS} s`);
    const baselineServer = await startNodeProcess({
      name: 'baseline',
      script: new URL('./harness/baseline-server.ts', import.meta.url).pathname,
      args: [String(PORTS.baseline)],
      logFile: `${BENCH_LOG_DIR}/baseline.log`,
      readyUrl: `http://127.0.0.1:${PORTS.baseline}/readyz`,
    });
    const baselineUrl = `http://127.0.0.1:${PORTS.baseline}/baseline`;
    let baseline;
    try {
      await load({ url: baselineUrl, connections: parameters.connections, durationS: parameters.warmupS });
      baseline = await load({
        url: baselineUrl,
        connections: parameters.connections,
        durationS: parameters.durationS,
      });
    } finally {
      await baselineServer.stop();
    }

    log(`POST /one at full load`);
    const postUrl = `${system.oneUrl}/one`;
    await load({ url: postUrl, connections: parameters.connections, durationS: parameters.warmupS });
    const postOneCpu = cpuMeter(system);
    const postOne = await load({
      url: postUrl,
      connections: parameters.connections,
      durationS: parameters.durationS,
    });
    const postOneCpuSeconds = postOneCpu();
    await drained(system, 'the full-load requests');

    const halfRate = Math.max(1, Math.round(postOne.requestsPerSecond / 2));
    log(`end to end at half of that load: ${halfRate} requests/s`);
    const endToEnd = await measureEndToEnd(system, postUrl, halfRate);

    log(`two's throughput: ${parameters.twoMessages} messages produced straight to ${Topics.oneRequest}`);
    const twoCpu = cpuMeter(system);
    const twoThroughput = await measureTwoThroughput(system, parameters.twoMessages);
    const twoCpuSeconds = twoCpu();

    const calls = await system.stub.calls();
    return {
      startedAt,
      machine,
      versions,
      parameters,
      ceiling: baseline,
      postOne: {
        ...postOne,
        ratioToCeiling: Number((postOne.requestsPerSecond / baseline.requestsPerSecond).toFixed(3)),
        cpuMsPerRequest: perUnitMs(postOneCpuSeconds, postOne.totalRequests),
      },
      endToEnd,
      twoThroughput: {
        ...twoThroughput,
        cpuMsPerMessage: perUnitMs(twoCpuSeconds, twoThroughput.messages),
      },
      tokenFetches: calls.tokenFetches,
      thirdPartyCalls: calls.threeCalls,
      peakRssMiB: {
        one: mib(system.one.peakRssBytes()),
        two: mib(system.two.peakRssBytes()),
      },
      cpuProfiles: profileDir ?? null,
    } satisfies Omit<BenchResult, 'targets'>;
  },
);

const report: BenchResult = { ...result, targets: evaluateTargets(result) };
mkdirSync(DOCS_BENCHMARKS, { recursive: true });
writeFileSync(
  `${DOCS_BENCHMARKS}/bench${quick ? '-quick' : ''}.json`,
  `${JSON.stringify(report, null, 2)}\n`,
);
writeFileSync(`${DOCS_BENCHMARKS}/bench${quick ? '-quick' : ''}.md`, benchMarkdown(report));
console.log(benchMarkdown(report));

/** CPU seconds of every part of the system (and of the rest of the machine) from now on. */
function cpuMeter(system: SystemUnderTest) {
  return startCpuMeter(() => ({
    one: system.one.pid,
    two: system.two.pid,
    stub: system.stub.process.pid,
    ...system.infra.pids(),
  }));
}

/** CPU milliseconds per request or message, per part of the system. */
function perUnitMs(seconds: CpuSeconds, units: number): CpuSeconds {
  return Object.fromEntries(
    Object.entries(seconds).map(([key, value]) => [
      key,
      Number(((1_000 * value) / Math.max(1, units)).toFixed(2)),
    ]),
  ) as CpuSeconds;
}

/** Waits until the stub has seen a first call for as many distinct requests as one accepted. */
async function drained(system: SystemUnderTest, what: string) {
  const accepted = await acceptedCount(system);
  await eventually(async () => Object.keys((await system.stub.calls()).byKey).length >= accepted, {
    timeoutMs: 180_000,
    intervalMs: 500,
    message: `${what} reached the third party`,
  });
}

async function acceptedCount(system: SystemUnderTest): Promise<number> {
  const text = await (await fetch(`${system.oneUrl}/metrics`)).text();
  const match = /^one_requests_accepted_total(?:\{[^}]*\})? (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}

async function measureEndToEnd(system: SystemUnderTest, url: string, rate: number) {
  const createdAt = new Map<string, number>();
  const figures = await load({
    url,
    connections: parameters.connections,
    durationS: parameters.durationS,
    overallRate: rate,
    onCreated: (body, at) => createdAt.set((JSON.parse(body) as { request_id: string }).request_id, at),
  });
  const calls = await eventually(
    async () => {
      const seen = await system.stub.calls();
      return [...createdAt.keys()].every((id) => seen.byKey[id]) && seen;
    },
    {
      timeoutMs: 120_000,
      intervalMs: 500,
      message: 'every 201 of the half-load phase reached the third party',
    },
  );
  // Negative values are possible (the third party can be called before the client reads the 201).
  const latencies = [...createdAt].map(([id, at]) => calls.byKey[id]!.firstCallAt - at);
  return {
    rate,
    postOne: figures,
    requests: createdAt.size,
    createdToThirdPartyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
    },
  };
}

async function measureTwoThroughput(system: SystemUnderTest, count: number) {
  const kafka = new kafkajs.Kafka({
    clientId: 'bench-producer',
    brokers: [system.infra.kafkaBrokers],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  const requestIds = snowflakeIds(count);
  await producer.connect();
  const started = performance.timeOrigin + performance.now();
  try {
    for (let from = 0; from < count; from += 1_000) {
      await producer.send({
        topic: Topics.oneRequest,
        messages: requestIds
          .slice(from, from + 1_000)
          .map((id) => acceptedRequestMessage(id, { userId: 'bench', prompt: 'throughput' })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  const produced = performance.timeOrigin + performance.now();
  const calls = await eventually(
    async () => {
      const seen = await system.stub.calls();
      return requestIds.every((id) => seen.byKey[id]) && seen;
    },
    { timeoutMs: 300_000, intervalMs: 200, message: `all ${count} messages reached the third party` },
  );
  const last = Math.max(...requestIds.map((id) => calls.byKey[id]!.firstCallAt));
  const seconds = (last - started) / 1_000;
  return {
    messages: count,
    produceSeconds: Number(((produced - started) / 1_000).toFixed(2)),
    seconds: Number(seconds.toFixed(2)),
    messagesPerSecond: Math.round(count / seconds),
  };
}

function evaluateTargets(r: Omit<BenchResult, 'targets'>): BenchResult['targets'] {
  return [
    {
      target: 'POST /one ≥ 0.6 × ceiling',
      measured: `${r.postOne.ratioToCeiling} ×`,
      met: r.postOne.ratioToCeiling >= 0.6,
    },
    {
      target: 'POST /one p99 ≤ 25 ms',
      measured: `${r.postOne.latencyMs.p99} ms`,
      met: r.postOne.latencyMs.p99 <= 25,
    },
    {
      target: '201 → third party p50 ≤ 10 ms (half load)',
      measured: `${r.endToEnd.createdToThirdPartyMs.p50} ms`,
      met: r.endToEnd.createdToThirdPartyMs.p50 <= 10,
    },
    {
      target: '201 → third party p99 ≤ 50 ms (half load)',
      measured: `${r.endToEnd.createdToThirdPartyMs.p99} ms`,
      met: r.endToEnd.createdToThirdPartyMs.p99 <= 50,
    },
    {
      target: 'two ≥ 2,000 messages/s',
      measured: `${r.twoThroughput.messagesPerSecond} /s`,
      met: r.twoThroughput.messagesPerSecond >= 2_000,
    },
    {
      target: 'exactly one token fetch per token lifetime (1 h)',
      measured: `${r.tokenFetches}`,
      met: r.tokenFetches === 1,
    },
    {
      target: 'one peak RSS ≤ 150 MB',
      measured: `${r.peakRssMiB.one} MiB`,
      met: r.peakRssMiB.one * 1.048576 <= 150,
    },
    {
      target: 'two peak RSS ≤ 150 MB',
      measured: `${r.peakRssMiB.two} MiB`,
      met: r.peakRssMiB.two * 1.048576 <= 150,
    },
  ];
}

/**
 * Distinct Snowflake-shaped ids (41-bit time, 10-bit node 1023, 12-bit sequence) for messages one
 * never saw; node 1023 keeps them apart from ids the running one hands out.
 */
function snowflakeIds(count: number): string[] {
  const base = BigInt(Date.now() - Date.UTC(2020, 0, 1));
  return Array.from({ length: count }, (_, i) =>
    (((base + BigInt(i >> 12)) << 22n) | (1023n << 12n) | BigInt(i & 0xfff)).toString(),
  );
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
