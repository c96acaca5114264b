// `make bench` / `make bench-quick` (BENCH_QUICK=1): brings up private PostgreSQL + Kafka, one,
// two, the stub (third party, auth server, OTLP sink, JWKS) and Redis (issue 14 rate-limit counters,
// limit out of reach), then measures with wrk, each phase on its own:
//   sanity    an Express route without I/O (only to see that the generator is not the limit)
//   accept    POST /one with the relay publishing and two stopped (consumers idle)
//   jwt       the accept phase again with one in jwt mode (issue 14's keys), a Bearer token per request
//   pipeline  everything running; delivered/s at the stub, drained to the last request
// CPU per unit of every process from /proc, rows and offsets counted after each phase, peak RSS,
// OTLP bytes per request; writes docs/benchmarks/bench.{json,md}; stops everything it started.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Topics } from '@pkg/kafka';
import { eventually } from '@pkg/testkit';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { benchMarkdown, type BenchResult, type Counts, type PhaseResult } from './bench-report.js';
import { startCpuMeter } from './harness/cpu-usage.js';
import { otlpPerUnit, perUnitMs, round2 } from './harness/figures.js';
import { autocannonLoad, REQUEST_BODY, REQUEST_USER_ID, type LoadFigures } from './harness/load.js';
import { describeMachine, describeVersions } from './harness/machine.js';
import { startNodeProcess, type NodeProcess } from './harness/node-process.js';
import { BENCH_DATA_DIR, BENCH_LOG_DIR, DOCS_BENCHMARKS } from './harness/paths.js';
import {
  DEFAULT_SERVICE_NODE_FLAGS,
  PORTS,
  withSystemUnderTest,
  type SystemUnderTest,
} from './harness/system-under-test.js';
import { runWrk } from './harness/wrk.js';

const quick = process.env.BENCH_QUICK === '1';
const parameters = {
  profile: quick ? 'quick' : 'full',
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  durationS: Number(process.env.BENCH_DURATION_S ?? (quick ? 4 : 20)),
  warmupS: Number(process.env.BENCH_WARMUP_S ?? (quick ? 1 : 5)),
  /** wrk (default): native, its own process; autocannon: in the harness's process (the old way). */
  loadGenerator:
    process.env.BENCH_LOAD_GENERATOR === 'autocannon' ? ('autocannon' as const) : ('wrk' as const),
  wrkThreads: 1,
  /** The accept phase again with one in jwt mode; BENCH_JWT=0 skips it. */
  jwtVariant: process.env.BENCH_JWT !== '0',
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
  /** dist: the compiled build (`npm start`, the Dockerfiles); tsx: the sources through the loader. */
  build: process.env.BENCH_BUILD === 'tsx' ? ('tsx' as const) : ('dist' as const),
  /** OTLP export of traces, metrics and logs to a sink (the stub): on unless BENCH_OTLP=0. */
  otlpExport: process.env.BENCH_OTLP !== '0',
  /** Node flags of one and two (space-separated): the services' own heap flags unless BENCH_NODE_FLAGS replaces them. */
  serviceNodeFlags: process.env.BENCH_NODE_FLAGS
    ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean)
    : [...DEFAULT_SERVICE_NODE_FLAGS],
  requestBody: REQUEST_BODY,
};
const JWT = { issuer: 'https://issuer.bench.local/', audience: 'one-bench', kid: 'bench-key-1' };
const log = (line: string) => console.log(`[bench] ${line}`);
const machine = describeMachine();
const startedAt = new Date().toISOString();
const profileDir = parameters.cpuProfile ? `${BENCH_DATA_DIR}/profiles/${Date.now()}` : undefined;
const now = () => performance.timeOrigin + performance.now();
/** Load with everything running before the accept phase; fresh instances get it as extra warm-up. */
const primingS = Math.max(parameters.warmupS, 2);
/** two fetches a token once per process (and per token lifetime): started with the system, then again. */
let twoStarts = 1;

const result = await withSystemUnderTest(
  {
    log,
    cpuProfileDir: profileDir,
    build: parameters.build,
    otlp: parameters.otlpExport,
    serviceNodeFlags: parameters.serviceNodeFlags,
    fresh: true,
    // issue 14 rate-limits POST /one per client address even without jwt: every phase runs with
    // the limiter's counters in a private Redis and a limit wrk never reaches (ignored before 14).
    redis: true,
    oneEnv: { ONE_RATE_LIMIT__POINTS: '1000000000' },
  },
  async (system) => {
    const versions = await describeVersions(system.infra.postgresUrl);
    const db = new pg.Client({ connectionString: system.infra.databaseUrl('one') });
    await db.connect();
    const admin = new kafkajs.Kafka({
      clientId: 'bench-counts',
      brokers: [system.infra.kafkaBrokers],
      logLevel: kafkajs.logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const probe = { system, db, admin };
    try {
      const sanity = await measureSanity();

      // two's consumer group commits an offset on every partition before two stops, so it resumes
      // from there (not from the latest offset) when the pipeline phase starts it again.
      log('priming: everything running until two committed offsets on every partition');
      await generate(`${system.oneUrl}/one`, primingS, {}, 'prime');
      await delivered(probe);
      log('accept: two stopped, POST /one with the relay publishing');
      await system.two.stop();
      let one = system.one;
      const accept = await measureAccept(probe, one, 'accept', {}, parameters.warmupS);

      let jwt: BenchResult['jwt'] = null;
      if (parameters.jwtVariant) {
        const headers = await prepareJwt(system);
        log('jwt: one restarted in jwt mode (issue 14 keys), a Bearer token per request');
        await one.stop();
        one = await system.startOne(jwtEnv(system));
        // A fresh process: the priming load the first instance had, as extra warm-up.
        const phase = await measureAccept(probe, one, 'jwt', headers, primingS + parameters.warmupS);
        const enforced = await jwtEnforced(system);
        const jwksFetches = (await system.stub.summary()).jwksFetches;
        jwt = {
          phase,
          enforced,
          jwksFetches,
          oneCpuMsPerRequestDelta: round2(phase.cpuMsPerUnit.one - accept.cpuMsPerUnit.one),
        };
        await one.stop();
        one = await system.startOne();
      }

      log('pipeline: two started, everything running');
      const two = await system.startTwo();
      twoStarts += 1;
      const pipeline = await measurePipeline(probe, one, two);

      const summary = await system.stub.summary();
      return {
        startedAt,
        machine,
        versions,
        parameters,
        sanity,
        accept,
        jwt,
        pipeline,
        tokenFetches: summary.tokenFetches,
        twoStarts,
        cpuProfiles: profileDir ?? null,
      } satisfies Omit<BenchResult, 'targets'>;
    } finally {
      await admin.disconnect();
      await db.end();
    }
  },
);

const report: BenchResult = { ...result, targets: evaluateTargets(result) };
mkdirSync(DOCS_BENCHMARKS, { recursive: true });
const name = `bench${quick ? '-quick' : ''}${process.env.BENCH_NAME ? `-${process.env.BENCH_NAME}` : ''}`;
writeFileSync(`${DOCS_BENCHMARKS}/${name}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${DOCS_BENCHMARKS}/${name}.md`, benchMarkdown(report));
console.log(benchMarkdown(report));

interface Probe {
  system: SystemUnderTest;
  db: pg.Client;
  admin: kafkajs.Admin;
}

/** Load from the chosen generator: wrk (its own process) or autocannon (in this one). */
function generate(url: string, durationS: number, headers: Record<string, string>, phase: string) {
  const options = { url, connections: parameters.connections, durationS, body: REQUEST_BODY, headers };
  return parameters.loadGenerator === 'wrk'
    ? runWrk({ ...options, threads: parameters.wrkThreads, scriptDir: `${BENCH_DATA_DIR}/wrk/${phase}` })
    : autocannonLoad(options);
}

/** The Express route without I/O: a sanity figure for the generator, not a ratio to aim at. */
async function measureSanity(): Promise<LoadFigures> {
  log(`sanity: Express without I/O, ${parameters.connections} connections`);
  const baseline = await startNodeProcess({
    name: 'baseline',
    script: new URL('./harness/baseline-server.ts', import.meta.url).pathname,
    args: [String(PORTS.baseline)],
    logFile: `${BENCH_LOG_DIR}/baseline.log`,
    readyUrl: `http://127.0.0.1:${PORTS.baseline}/readyz`,
  });
  try {
    const url = `http://127.0.0.1:${PORTS.baseline}/baseline`;
    await generate(url, parameters.warmupS, {}, 'sanity');
    return await generate(url, Math.min(parameters.durationS, 5), {}, 'sanity');
  } finally {
    await baseline.stop();
  }
}

/** Warm-up, then a measured run of POST /one; the window closes when the relay has published all. */
async function measureAccept(
  probe: Probe,
  one: NodeProcess,
  phase: string,
  headers: Record<string, string>,
  warmupS: number,
): Promise<PhaseResult> {
  const url = `${probe.system.oneUrl}/one`;
  await generate(url, warmupS, headers, phase);
  await relayDrained(probe);
  const before = await counts(probe);
  const cpu = cpuMeter(probe.system, one, undefined);
  const load = await generate(url, parameters.durationS, headers, phase);
  await relayDrained(probe);
  const cpuSeconds = cpu();
  const after = await counts(probe);
  const accepted = after.requests - before.requests;
  log(`${phase}: ${load.requestsPerSecond} req/s, p99 ${load.latencyMs.p99} ms, ${accepted} stored`);
  return {
    load,
    units: accepted,
    unitName: '201',
    unitsPerSecond: load.requestsPerSecond,
    counts: difference(after, before),
    everyRequestCounted:
      after.outboxUnpublished === 0 &&
      after.outbox - before.outbox === accepted &&
      after.oneRequestOffsets - before.oneRequestOffsets === accepted &&
      load.non2xx === 0,
    cpuSeconds,
    cpuMsPerUnit: perUnitMs(cpuSeconds, accepted),
    otlpBytesPerUnit: otlpPerUnit(before.stub, after.stub, accepted),
    peakRssMiB: { one: mib(one.peakRssBytes()), two: null },
    loadAverageAtEnd: loadAverage(),
  };
}

/**
 * Backlog drained first; warm-up; drained; then the measured run, closed when the stub has seen
 * every request accepted meanwhile and one stored every result (status DELIVERED).
 */
async function measurePipeline(probe: Probe, one: NodeProcess, two: NodeProcess): Promise<PhaseResult> {
  const url = `${probe.system.oneUrl}/one`;
  await delivered(probe);
  await generate(url, primingS + parameters.warmupS, {}, 'pipeline');
  await delivered(probe);
  const before = await counts(probe);
  const cpu = cpuMeter(probe.system, one, two);
  const started = now();
  const load = await generate(url, parameters.durationS, {}, 'pipeline');
  await delivered(probe);
  const cpuSeconds = cpu();
  const after = await counts(probe);
  const accepted = after.requests - before.requests;
  const deliveredCount = after.stub.distinctKeys - before.stub.distinctKeys;
  const seconds = (after.stub.lastFirstCallAt - started) / 1_000;
  log(
    `pipeline: ${load.requestsPerSecond} req/s accepted, ${deliveredCount} delivered in ${seconds.toFixed(1)} s`,
  );
  return {
    load,
    units: deliveredCount,
    unitName: 'delivered request',
    unitsPerSecond: Math.round(deliveredCount / Math.max(seconds, 0.001)),
    drainedAfterS: round2(seconds - load.durationS),
    counts: difference(after, before),
    everyRequestCounted:
      deliveredCount === accepted &&
      after.undelivered === 0 &&
      after.oneRequestOffsets - before.oneRequestOffsets === accepted &&
      after.threeResultOffsets - before.threeResultOffsets === accepted &&
      after.stub.threeCalls - before.stub.threeCalls === accepted &&
      load.non2xx === 0,
    cpuSeconds,
    cpuMsPerUnit: perUnitMs(cpuSeconds, deliveredCount),
    otlpBytesPerUnit: otlpPerUnit(before.stub, after.stub, deliveredCount),
    peakRssMiB: { one: mib(one.peakRssBytes()), two: mib(two.peakRssBytes()) },
    loadAverageAtEnd: loadAverage(),
  };
}

/** Rows of one's database, offsets of both topics and the stub's counts, now. */
async function counts({ db, admin, system }: Probe): Promise<Counts> {
  const { rows } = await db.query<{
    requests: string;
    undelivered: string;
    outbox: string;
    unpublished: string;
  }>(
    `SELECT (SELECT count(*) FROM requests) AS requests,
            (SELECT count(*) FROM requests WHERE status <> 'DELIVERED') AS undelivered,
            (SELECT count(*) FROM outbox) AS outbox,
            (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS unpublished`,
  );
  const offsets = async (topic: string) =>
    (await admin.fetchTopicOffsets(topic)).reduce((total, partition) => total + Number(partition.high), 0);
  const row = rows[0]!;
  return {
    requests: Number(row.requests),
    undelivered: Number(row.undelivered),
    outbox: Number(row.outbox),
    outboxUnpublished: Number(row.unpublished),
    oneRequestOffsets: await offsets(Topics.oneRequest),
    threeResultOffsets: await offsets(Topics.threeResult),
    stub: await system.stub.summary(),
  };
}

function difference(after: Counts, before: Counts) {
  return {
    requests: after.requests - before.requests,
    outbox: after.outbox - before.outbox,
    oneRequestOffsets: after.oneRequestOffsets - before.oneRequestOffsets,
    threeResultOffsets: after.threeResultOffsets - before.threeResultOffsets,
    distinctKeysAtStub: after.stub.distinctKeys - before.stub.distinctKeys,
    threeCalls: after.stub.threeCalls - before.stub.threeCalls,
    undeliveredAtEnd: after.undelivered,
    outboxUnpublishedAtEnd: after.outboxUnpublished,
  };
}

async function relayDrained({ db }: Probe) {
  await eventually(
    async () => {
      const { rows } = await db.query<{ n: string }>(
        'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
      );
      return Number(rows[0]!.n) === 0;
    },
    { timeoutMs: 120_000, intervalMs: 50, message: 'the relay published every outbox row' },
  );
}

/** Every accepted request reached the stub and one stored its result. The cheap count first. */
async function delivered(probe: Probe) {
  await eventually(
    async () => {
      const { rows } = await probe.db.query<{ n: string }>('SELECT count(*) AS n FROM requests');
      const accepted = Number(rows[0]!.n);
      await eventually(async () => (await probe.system.stub.summary()).distinctKeys >= accepted, {
        timeoutMs: 300_000,
        intervalMs: 50,
        message: `all ${accepted} accepted requests reached the third party`,
      });
      const undelivered = await probe.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM requests WHERE status <> 'DELIVERED'`,
      );
      return Number(undelivered.rows[0]!.n) === 0;
    },
    { timeoutMs: 300_000, intervalMs: 50, message: 'one stored the result of every request' },
  );
}

/** A key pair made now; the stub serves its JWKS; a token for the body's user, valid for the run. */
async function prepareJwt(system: SystemUnderTest): Promise<Record<string, string>> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: JWT.kid, alg: 'RS256', use: 'sig' };
  await system.stub.setJwks({ keys: [jwk] });
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: JWT.kid, typ: 'JWT' })
    .setSubject(REQUEST_USER_ID)
    .setIssuer(JWT.issuer)
    .setAudience(JWT.audience)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);
  return { Authorization: `Bearer ${token}` };
}

/**
 * issue 14's keys (the rate limit and Redis are set for every start of one, and repeated here so
 * the jwt phase's configuration reads whole); a build that does not know them ignores them.
 */
function jwtEnv(system: SystemUnderTest): Record<string, string> {
  return {
    ONE_AUTH__MODE: 'jwt',
    ONE_AUTH__ISSUER: JWT.issuer,
    ONE_AUTH__AUDIENCE: JWT.audience,
    ONE_AUTH__JWKS_URL: `${system.stub.url}/.well-known/jwks.json`,
    ONE_RATE_LIMIT__POINTS: '1000000000',
    ONE_REDIS__URL: system.infra.redisUrl,
  };
}

/** Whether the running one refuses a POST without a token (it does only when jwt mode is built in). */
async function jwtEnforced(system: SystemUnderTest): Promise<boolean> {
  const response = await fetch(`${system.oneUrl}/one`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: REQUEST_BODY,
  });
  await response.arrayBuffer();
  return response.status === 401;
}

/** CPU seconds of every part of the system (and of the rest of the machine) from now on. */
function cpuMeter(system: SystemUnderTest, one: NodeProcess, two: NodeProcess | undefined) {
  return startCpuMeter(() => ({
    one: one.pid,
    two: two?.pid ?? 0,
    stub: system.stub.process.pid,
    ...system.infra.pids(),
  }));
}

function evaluateTargets(r: Omit<BenchResult, 'targets'>): BenchResult['targets'] {
  const a = r.accept;
  const p = r.pipeline;
  return [
    {
      target: "one's CPU per 201 ≤ 0.30 ms (accept)",
      measured: `${a.cpuMsPerUnit.one} ms`,
      met: a.cpuMsPerUnit.one <= 0.3,
    },
    {
      target: "PostgreSQL's CPU per 201 ≤ 0.15 ms (accept)",
      measured: `${a.cpuMsPerUnit.postgres} ms`,
      met: a.cpuMsPerUnit.postgres <= 0.15,
    },
    {
      target: `POST /one p99 ≤ 10 ms at ${r.parameters.connections} connections (accept)`,
      measured: `${a.load.latencyMs.p99} ms`,
      met: a.load.latencyMs.p99 <= 10,
    },
    {
      target: 'CPU per delivered request, one + two + PostgreSQL + Kafka ≤ 1.1 ms (pipeline)',
      measured: `${p.cpuMsPerUnit.system} ms`,
      met: p.cpuMsPerUnit.system <= 1.1,
    },
    {
      target: 'every request delivered, rows and offsets agree (accept and pipeline)',
      measured: `accept ${a.everyRequestCounted ? 'yes' : 'NO'}, pipeline ${p.everyRequestCounted ? 'yes' : 'NO'}`,
      met: a.everyRequestCounted && p.everyRequestCounted,
    },
    {
      target: 'peak RSS of each service ≤ 120 MiB (pipeline)',
      measured: `one ${p.peakRssMiB.one} MiB, two ${p.peakRssMiB.two} MiB`,
      met: p.peakRssMiB.one <= 120 && (p.peakRssMiB.two ?? 0) <= 120,
    },
    {
      target: 'OTLP ≤ 3 KB per request end to end (pipeline)',
      measured: r.parameters.otlpExport ? `${p.otlpBytesPerUnit.total} bytes` : 'export off',
      met: r.parameters.otlpExport && (p.otlpBytesPerUnit.total ?? Infinity) <= 3_000,
    },
    {
      target: 'one token fetch per start of two per token lifetime (1 h)',
      measured: `${r.tokenFetches} for ${r.twoStarts} starts`,
      met: r.tokenFetches === r.twoStarts,
    },
  ];
}

function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = loadavg().map((value) => Number(value.toFixed(2)));
  return [a, b, c];
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
