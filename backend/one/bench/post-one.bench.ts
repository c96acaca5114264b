// `npm run bench -w @services/one`: loads POST /one against real PostgreSQL and Kafka and, in
// the same run, a no-I/O Express route as the baseline; writes docs/benchmarks/one-post.{json,md}.
// Both servers run as child processes (like production); autocannon runs in this process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { eventually } from '@pkg/testkit';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ONE_PORT = 18_099;
const BASELINE_PORT = 18_098;
const oneDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('../../../docs/benchmarks/', import.meta.url));
const logFile = fileURLToPath(new URL('../../../.data/logs/one-bench.log', import.meta.url));

const body = JSON.stringify({
  user_id: 'old-usr-5',
  prompt: 'What is the value of k1?',
  data: [
    { key: 'k1', value: '15' },
    { key: 'k2', value: 'g3' },
  ],
});

/** A TypeScript script through tsx, or (`compiled`) JavaScript from `tsc -b` the way production runs it. */
function start(script: string, env: Record<string, string>, compiled = false): ChildProcess {
  mkdirSync(fileURLToPath(new URL('.', `file://${logFile}`)), { recursive: true });
  const loader = compiled ? [] : ['--conditions=source', '--import', 'tsx'];
  const child = spawn(process.execPath, [...loader, script], {
    cwd: oneDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Drain output so a full pipe never stalls the server; keep it for post-mortems.
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.length < 10_000 && chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.length < 10_000 && chunks.push(chunk));
  child.once('exit', () => writeFileSync(logFile, Buffer.concat(chunks), { flag: 'a' }));
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, warmupS = 3) {
  const options = {
    url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
  };
  await autocannon({ ...options, duration: warmupS });
  const result = await autocannon({ ...options, duration: DURATION_S });
  return {
    requests_per_s: Math.round(result.requests.average),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    latency_max_ms: result.latency.max,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total_requests: result.requests.total,
  };
}

const ready = (url: string) =>
  eventually(async () => (await fetch(url)).status < 500, { timeoutMs: 60_000, message: url });

// The compiled build, as `npm start` and the Dockerfile run it (tsc -b is a no-op when up to date).
execFileSync('npx', ['tsc', '-b', oneDir], { stdio: 'inherit' });
const one = start(
  'dist/src/main.js',
  {
    ONE_HTTP__PORT: String(ONE_PORT),
    ONE_DATABASE_URL: process.env.ONE_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/one',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    ONE_LOG__LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    ONE_TELEMETRY__OTLP_ENABLED: 'false',
  },
  true,
);
const baseline = start('bench/baseline-server.ts', { PORT: String(BASELINE_PORT) });
try {
  await ready(`http://127.0.0.1:${ONE_PORT}/readyz`);
  await ready(`http://127.0.0.1:${BASELINE_PORT}/`);
  const loadBefore = loadavg()[0];
  const baselineResult = await load(`http://127.0.0.1:${BASELINE_PORT}/baseline`);
  const oneResult = await load(`http://127.0.0.1:${ONE_PORT}/one`);
  const backlog = await (await fetch(`http://127.0.0.1:${ONE_PORT}/metrics`)).text();
  const ratio = Number((oneResult.requests_per_s / baselineResult.requests_per_s).toFixed(3));
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      memory_gib: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      load_average_1m_before: loadBefore,
      note: 'shared machine: other engineers ran builds and tests at the same time; PostgreSQL and Kafka on the same 2 cores',
    },
    setup: { duration_s: DURATION_S, connections: CONNECTIONS, body_bytes: Buffer.byteLength(body) },
    baseline: baselineResult,
    post_one: oneResult,
    ratio,
    target: { ratio: 0.6, p99_ms: 25 },
    target_met: ratio >= 0.6 && oneResult.latency_p99_ms <= 25,
    outbox_backlog_after: /^one_outbox_backlog\S* (\d+)/m.exec(backlog)?.[1],
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}one-post.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${outDir}one-post.md`, markdown(report));
  console.log(JSON.stringify(report, null, 2));
} finally {
  await Promise.all([stop(one), stop(baseline)]);
}

function markdown(report: {
  date: string;
  machine: Record<string, unknown>;
  setup: Record<string, unknown>;
  baseline: Awaited<ReturnType<typeof load>>;
  post_one: Awaited<ReturnType<typeof load>>;
  ratio: number;
  target_met: boolean;
}) {
  const row = (name: string, r: Awaited<ReturnType<typeof load>>) =>
    `| ${name} | ${r.requests_per_s} | ${r.latency_p50_ms} | ${r.latency_p99_ms} | ${r.non_2xx} | ${r.errors} |`;
  return [
    '# POST /one benchmark',
    '',
    `Run ${report.date} by \`npm run bench -w @services/one\` (${report.setup.duration_s} s per target after a 3 s warm-up, ${report.setup.connections} connections).`,
    `Machine: ${report.machine.cpus} × ${report.machine.cpu_model}, ${report.machine.memory_gib} GiB, Node ${report.machine.node}, load average ${report.machine.load_average_1m_before} (1 min) before the run; ${report.machine.note}.`,
    'one runs the compiled build (`node dist/src/main.js`), OTLP export off, against the shared PostgreSQL and Kafka.',
    '',
    '| target | req/s | p50 ms | p99 ms | non-2xx | errors |',
    '|---|---|---|---|---|---|',
    row('baseline (Express, no I/O)', report.baseline),
    row('POST /one (PostgreSQL + outbox + Kafka)', report.post_one),
    '',
    `Ratio POST /one / baseline: **${report.ratio}** (target ≥ 0.6, p99 ≤ 25 ms: ${report.target_met ? 'met' : 'not met'}).`,
    '',
  ].join('\n');
}
