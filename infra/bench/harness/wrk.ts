// Load from wrk (C, Debian's package, installed by infra/bench/tools.sh): a light native generator
// in a process of its own, so the load costs a fraction of a core and its CPU is reported apart.
// A Lua script sets the method, body and headers and prints the summary and latency percentiles
// as one JSON line from wrk's done() hook; parseWrkOutput reads that line.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { LoadFigures } from './load.js';

/** The marker in front of the JSON line the done() hook prints. */
const MARKER = 'WRK_JSON ';

export interface WrkOptions {
  url: string;
  connections: number;
  durationS: number;
  body: string;
  headers?: Record<string, string>;
  /** wrk threads; 1 keeps the generator on one core of a 2-core box. */
  threads?: number;
  /** Where the Lua script is written. */
  scriptDir: string;
}

/** A Lua string literal for any text (long brackets would break on `]]` in the body). */
export function luaString(text: string): string {
  return `"${[...Buffer.from(text, 'utf8')].map((byte) => `\\${byte}`).join('')}"`;
}

/** The Lua script: POST with the body and headers; done() prints the figures as JSON. */
export function wrkScript(body: string, headers: Record<string, string>): string {
  const headerLines = Object.entries(headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  return `-- written by infra/bench/harness/wrk.ts
wrk.method = "POST"
wrk.body = ${luaString(body)}
${headerLines}

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '${MARKER}{"requests":%d,"durationUs":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,' ..
    '"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
}

/** The figures from wrk's stdout; throws when the done() hook's line is missing or malformed. */
export function parseWrkOutput(stdout: string): LoadFigures {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(MARKER));
  if (!line) throw new Error(`wrk printed no summary line:\n${stdout}`);
  const summary = JSON.parse(line.slice(MARKER.length)) as Partial<WrkSummary>;
  const field = (name: keyof WrkSummary): number => {
    const value = summary[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new Error(`wrk summary has no valid ${name}: ${line}`);
    return value;
  };
  const ms = (us: number) => Number((us / 1_000).toFixed(2));
  const requests = field('requests');
  const seconds = field('durationUs') / 1e6;
  return {
    requestsPerSecond: seconds > 0 ? Math.round(requests / seconds) : 0,
    latencyMs: {
      p50: ms(field('p50Us')),
      p90: ms(field('p90Us')),
      p99: ms(field('p99Us')),
      max: ms(field('maxUs')),
    },
    totalRequests: requests,
    durationS: Number(seconds.toFixed(2)),
    non2xx: field('statusErrors'),
    errors: field('connectErrors') + field('readErrors') + field('writeErrors'),
    timeouts: field('timeouts'),
  };
}

/** Runs wrk to the end and returns its figures (its CPU lands in the harness's reaped children). */
export async function runWrk(options: WrkOptions): Promise<LoadFigures> {
  mkdirSync(options.scriptDir, { recursive: true });
  const script = `${options.scriptDir}/post.lua`;
  writeFileSync(script, wrkScript(options.body, { 'Content-Type': 'application/json', ...options.headers }));
  const args = [
    `-t${options.threads ?? 1}`,
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    '--timeout',
    '10s',
    '-s',
    script,
    options.url,
  ];
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`wrk ${args.join(' ')} exited ${code}: ${stderr}${stdout}`);
  return parseWrkOutput(stdout);
}
