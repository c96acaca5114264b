// The shape of a bench result and its Markdown summary (docs/benchmarks/bench.md).
import type { CpuSeconds } from './harness/cpu-usage.js';
import type { LoadFigures } from './harness/load.js';
import type { MachineReport, VersionsReport } from './harness/machine.js';

export interface BenchResult {
  startedAt: string;
  machine: MachineReport;
  versions: VersionsReport;
  parameters: {
    profile: string;
    connections: number;
    durationS: number;
    warmupS: number;
    twoMessages: number;
    cpuProfile: boolean;
    build: 'dist' | 'tsx';
    otlpExport: boolean;
    serviceNodeFlags: string[];
  };
  ceiling: LoadFigures;
  /** CPU time of each service (all threads) per request during the full-load phase. */
  postOne: LoadFigures & { ratioToCeiling: number; cpuMsPerRequest: CpuSeconds };
  endToEnd: {
    rate: number;
    postOne: LoadFigures;
    requests: number;
    createdToThirdPartyMs: { p50: number; p90: number; p99: number };
  };
  twoThroughput: {
    messages: number;
    produceSeconds: number;
    seconds: number;
    messagesPerSecond: number;
    /** CPU time per message during the phase: two's own, and one's (it consumes the results). */
    cpuMsPerMessage: CpuSeconds;
  };
  tokenFetches: number;
  thirdPartyCalls: number;
  peakRssMiB: { one: number; two: number };
  cpuProfiles: string | null;
  targets: { target: string; measured: string; met: boolean }[];
}

const cpuRow = (name: string, c: CpuSeconds) => {
  const ours = c.one + c.two + c.postgres + c.kafka + c.stub + c.loadGenerator;
  return `| ${name} | ${c.one} | ${c.two} | ${c.postgres} | ${c.kafka} | ${c.stub} | ${c.loadGenerator} | ${c.otherWork} | ${Math.round(2_000 / Math.max(ours, 0.001))} /s |`;
};

const row = (name: string, f: LoadFigures) =>
  `| ${name} | ${f.requestsPerSecond} | ${f.latencyMs.p50} | ${f.latencyMs.p90} | ${f.latencyMs.p99} | ${f.latencyMs.max} | ${f.non2xx} | ${f.errors + f.timeouts} |`;

export function benchMarkdown(r: BenchResult): string {
  const [l1, l5, l15] = r.machine.loadAverageAtStart;
  return `# Benchmark (${r.parameters.profile})

${r.startedAt} · ${r.machine.nproc} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB · load average at start
${l1} / ${l5} / ${l15} · Node ${r.versions.node}, PostgreSQL ${r.versions.postgres}, Kafka ${r.versions.kafka},
autocannon ${r.versions.autocannon} · ${r.parameters.connections} connections, ${r.parameters.durationS} s per phase
after ${r.parameters.warmupS} s of warm-up, ${r.parameters.twoMessages} messages for two.
one and two run ${r.parameters.build === 'dist' ? 'the compiled build (`node dist/src/main.js`, as `npm start` and the Dockerfiles)' : 'the TypeScript sources through the tsx loader'};
OTLP export of traces, metrics and logs is **${r.parameters.otlpExport ? 'on' : 'off'}**${r.parameters.otlpExport ? ' (to a sink that answers 200)' : ' (spans are still created; /metrics still served)'};
CPU profiling ${r.parameters.cpuProfile ? '**on**' : 'off'}; node flags of one and two: ${r.parameters.serviceNodeFlags.length ? `\`${r.parameters.serviceNodeFlags.join(' ')}\`` : 'none'}.

${r.machine.sharedWithOtherWork} Read the ratios, not the absolute figures.

| load | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors |
|---|---|---|---|---|---|---|---|
${row('ceiling: Express, no I/O', r.ceiling)}
${row('POST /one, full load', r.postOne)}
${row(`POST /one at half load (${r.endToEnd.rate}/s)`, r.endToEnd.postOne)}

- **POST /one / ceiling: ${r.postOne.ratioToCeiling}**
- 201 → first third-party call at half load (${r.endToEnd.requests} requests): p50 **${r.endToEnd.createdToThirdPartyMs.p50} ms**,
  p90 ${r.endToEnd.createdToThirdPartyMs.p90} ms, p99 **${r.endToEnd.createdToThirdPartyMs.p99} ms**
- two: ${r.twoThroughput.messages} messages in ${r.twoThroughput.seconds} s → **${r.twoThroughput.messagesPerSecond} messages/s**
  (clock from the first produce to the last first call at the stub; producing took ${r.twoThroughput.produceSeconds} s)
- token fetches during the whole run: **${r.tokenFetches}**; third-party calls: ${r.thirdPartyCalls}
- peak RSS (VmHWM${r.parameters.build === 'tsx' ? ', includes the tsx loader' : ''}): one **${r.peakRssMiB.one} MiB**, two **${r.peakRssMiB.two} MiB**

CPU time per request (POST /one at full load) and per message (two's phase), in ms, by where it
was spent (all threads; PostgreSQL with its backends; *other work* is what the rest of the shared
machine used meanwhile). *2 free cores* is 2,000 ms ÷ the system's own CPU per unit: the rate
this set-up could reach if it had both cores to itself and were CPU-bound.

| phase | one | two | PostgreSQL | Kafka | stub | load gen. | other work | 2 free cores |
|---|---|---|---|---|---|---|---|---|
${cpuRow('POST /one (per request)', r.postOne.cpuMsPerRequest)}
${cpuRow("two's throughput (per message)", r.twoThroughput.cpuMsPerMessage)}

| target | measured | met |
|---|---|---|
${r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`).join('\n')}

Reproduce: \`make bench\` (or \`make bench-quick\`); raw figures in the JSON file next to this one.
What limits the missed targets and what would lift them: [analysis.md](analysis.md).
`;
}
