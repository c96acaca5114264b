// The shape of a bench result and its Markdown summary (docs/benchmarks/bench.md).
import type { CpuSeconds } from './harness/cpu-usage.js';
import type { LoadFigures } from './harness/load.js';
import type { MachineReport, VersionsReport } from './harness/machine.js';
import type { StubSummary } from './harness/stub-third-party.js';

/** What the harness counts before and after a phase. */
export interface Counts {
  requests: number;
  undelivered: number;
  outbox: number;
  outboxUnpublished: number;
  oneRequestOffsets: number;
  threeResultOffsets: number;
  stub: StubSummary;
}

export interface PhaseResult {
  /** What the load generator saw (req/s are its own: answers per second of its run). */
  load: LoadFigures;
  /** Rows stored (accept) or requests first seen at the stub (pipeline) during the phase. */
  units: number;
  unitName: '201' | 'delivered request';
  /** accept: the generator's req/s; pipeline: delivered ÷ (last delivery − start of the run). */
  unitsPerSecond: number;
  /** pipeline: how long after the generator stopped the last request reached the stub. */
  drainedAfterS?: number;
  counts: Record<string, number>;
  /** Rows, outbox rows, topic offsets (and for the pipeline stub calls, DELIVERED rows) all agree. */
  everyRequestCounted: boolean;
  cpuSeconds: CpuSeconds;
  /** CPU ms per unit of each process, and `system` = one + two + PostgreSQL + Kafka + Redis. */
  cpuMsPerUnit: CpuSeconds & { system: number };
  /** OTLP request bytes received by the sink per unit, per signal, and `total`. */
  otlpBytesPerUnit: Record<string, number>;
  peakRssMiB: { one: number; two: number | null };
  loadAverageAtEnd: [number, number, number];
}

export interface BenchResult {
  startedAt: string;
  machine: MachineReport;
  versions: VersionsReport;
  parameters: {
    profile: string;
    connections: number;
    durationS: number;
    warmupS: number;
    loadGenerator: 'wrk' | 'autocannon';
    wrkThreads: number;
    jwtVariant: boolean;
    cpuProfile: boolean;
    build: 'dist' | 'tsx';
    otlpExport: boolean;
    serviceNodeFlags: string[];
    requestBody: string;
  };
  /** Express without I/O: only a sanity figure for the generator. */
  sanity: LoadFigures;
  accept: PhaseResult;
  jwt: {
    phase: PhaseResult;
    /** one answered 401 to a POST without a token: the build knows jwt mode. */
    enforced: boolean;
    jwksFetches: number;
    /** one's CPU per 201 in jwt mode minus in the accept phase, ms. */
    oneCpuMsPerRequestDelta: number;
  } | null;
  pipeline: PhaseResult;
  tokenFetches: number;
  /** two is stopped for the accept phases and started again: each process fetches its own token. */
  twoStarts: number;
  cpuProfiles: string | null;
  targets: { target: string; measured: string; met: boolean }[];
}

const cpuRow = (name: string, p: PhaseResult) => {
  const c = p.cpuMsPerUnit;
  return `| ${name} | ${c.one} | ${c.two} | ${c.postgres} | ${c.kafka} | ${c.redis} | **${c.system}** | ${c.stub} | ${c.loadGenerator} | ${c.harness} | ${c.otherWork} | ${Math.round(2_000 / Math.max(c.system, 0.001))} /s |`;
};

const loadRow = (name: string, p: PhaseResult) => {
  const f = p.load;
  return `| ${name} | ${f.requestsPerSecond} | ${p.unitsPerSecond} ${p.unitName === '201' ? '201/s' : 'delivered/s'} | ${f.latencyMs.p50} | ${f.latencyMs.p90} | ${f.latencyMs.p99} | ${f.latencyMs.max} | ${f.non2xx} | ${f.errors + f.timeouts} | ${p.everyRequestCounted ? 'yes' : '**no**'} |`;
};

const otlpRow = (name: string, p: PhaseResult) =>
  `| ${name} | ${p.otlpBytesPerUnit.traces ?? 0} | ${p.otlpBytesPerUnit.metrics ?? 0} | ${p.otlpBytesPerUnit.logs ?? 0} | **${p.otlpBytesPerUnit.total ?? 0}** |`;

const countsLine = (name: string, p: PhaseResult) =>
  `- ${name}: ${Object.entries(p.counts)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ')}; CPU seconds in the window: ${Object.entries(p.cpuSeconds)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ')}; load average at the end ${p.loadAverageAtEnd.join(' / ')}`;

function jwtLine(jwt: BenchResult['jwt']): string {
  if (!jwt) return 'jwt variant not run (BENCH_JWT=0).';
  if (jwt.enforced)
    return `**jwt mode** costs one **${jwt.oneCpuMsPerRequestDelta} ms** of CPU per 201 over the accept phase (enforced: a POST without a token got 401; JWKS fetches: ${jwt.jwksFetches}).`;
  return `**This build ignored the jwt keys** (a POST without a token was accepted; JWKS fetches: ${jwt.jwksFetches}): one's CPU per 201 differed by ${jwt.oneCpuMsPerRequestDelta} ms from the accept phase, which is the run-to-run spread, not the cost of jwt mode.`;
}

export function benchMarkdown(r: BenchResult): string {
  const [l1, l5, l15] = r.machine.loadAverageAtStart;
  const v = r.versions;
  const jwt = r.jwt;
  return `# Benchmark (${r.parameters.profile})

${r.startedAt} · ${r.machine.nproc} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB · load average at start
${l1} / ${l5} / ${l15} · Node ${v.node}, PostgreSQL ${v.postgres}, Kafka ${v.kafka}, kafkajs ${v.kafkajs}, pg ${v.pg},
${r.parameters.loadGenerator === 'wrk' ? `wrk ${v.wrk} (${r.parameters.wrkThreads} thread, its own process)` : `autocannon ${v.autocannon} (**in the harness's process**)`} ·
${r.parameters.connections} connections, ${r.parameters.durationS} s per phase after ${r.parameters.warmupS} s of warm-up · body: \`${r.parameters.requestBody}\`.
one and two run ${r.parameters.build === 'dist' ? 'the compiled build (`node dist/src/main.js`, as `npm start` and the Dockerfiles)' : 'the TypeScript sources through the tsx loader'};
OTLP export of traces, metrics and logs is **${r.parameters.otlpExport ? 'on' : 'off'}**${r.parameters.otlpExport ? ' (to the stub, a sink that counts the bytes)' : ' (spans are still created; /metrics still served)'};
CPU profiling ${r.parameters.cpuProfile ? '**on**' : 'off'}; node flags of one and two: ${r.parameters.serviceNodeFlags.length ? `\`${r.parameters.serviceNodeFlags.join(' ')}\`` : 'none'}.

${r.machine.sharedWithOtherWork}

**accept**: POST /one with the relay publishing to Kafka and two stopped (no consumer work); the
window closes when the relay has published every row. **pipeline**: everything running; delivered/s
counted at the stub third party from the start of the run to the last request's first call
(drained ${r.pipeline.drainedAfterS ?? 0} s after the generator stopped); the window closes once one stored every result.

| phase | generator req/s | per second | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors | every request counted |
|---|---|---|---|---|---|---|---|---|---|
${loadRow('accept', r.accept)}
${jwt ? loadRow('accept, jwt mode', jwt.phase) : ''}
${loadRow('pipeline', r.pipeline)}

Sanity (Express route without I/O, not a target): ${r.sanity.requestsPerSecond} req/s, p99 ${r.sanity.latencyMs.p99} ms.

CPU ms per unit (accept: per 201; pipeline: per delivered request) by process, all threads, from
\`/proc\` (PostgreSQL with all its backends; the generator from the harness's reaped children; *other
work* is what the rest of the shared machine used meanwhile). *system* = one + two + PostgreSQL +
Kafka + Redis; *2 free cores* = 2,000 ms ÷ system: the rate with both cores to itself if CPU-bound.

| phase | one | two | PostgreSQL | Kafka | Redis | system | stub | ${r.parameters.loadGenerator} | harness | other work | 2 free cores |
|---|---|---|---|---|---|---|---|---|---|---|---|
${cpuRow('accept (per 201)', r.accept)}
${jwt ? cpuRow('accept, jwt mode (per 201)', jwt.phase) : ''}
${cpuRow('pipeline (per delivered)', r.pipeline)}

${jwtLine(jwt)}

OTLP bytes received by the sink per unit (as sent on the wire):

| phase | traces | metrics | logs | total |
|---|---|---|---|---|
${otlpRow('accept (one only, per 201)', r.accept)}
${otlpRow('pipeline (one + two, per delivered)', r.pipeline)}

Peak RSS (VmHWM${r.parameters.build === 'tsx' ? ', includes the tsx loader' : ''}): one **${r.accept.peakRssMiB.one} MiB** after accept, pipeline one **${r.pipeline.peakRssMiB.one} MiB**, two **${r.pipeline.peakRssMiB.two} MiB**. Token fetches during the whole run: **${r.tokenFetches}** for ${r.twoStarts} starts of two.

Counts after each phase (differences over the measured window):

${countsLine('accept', r.accept)}
${jwt ? countsLine('jwt', jwt.phase) : ''}
${countsLine('pipeline', r.pipeline)}

| target | measured | met |
|---|---|---|
${r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`).join('\n')}

Reproduce: \`make bench\` (or \`make bench-quick\`); raw figures in the JSON file next to this one.
What limits the missed targets and why earlier harnesses disagreed: [analysis.md](analysis.md).
`
    .replace(/\n\n\n+/g, '\n\n')
    .replace(/\|\n\n\|/g, '|\n|');
}
