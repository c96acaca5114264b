// `make demo`: starts everything (`make up`: infrastructure, one, two), sends the README's example
// request to one, waits until two has delivered it, and prints the request id, its status, its
// trace id and the Grafana Explore link that opens the trace (with `make observability-up` running).
//
//   node --conditions=source --import tsx infra/demo/demo.ts [--no-up]
//
// Environment: ONE_URL (default http://127.0.0.1:8099), GRAFANA_URL (default http://127.0.0.1:3000),
// DEMO_TIMEOUT_S (default 60).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exploreUrlForTrace } from './explore-url.js';

const EXAMPLE = {
  user_id: 'old-usr-5',
  prompt: 'What is the value of k1?',
  data: [
    { key: 'k1', value: '15' },
    { key: 'k2', value: 'g3' },
  ],
};

const oneUrl = (process.env.ONE_URL ?? 'http://127.0.0.1:8099').replace(/\/+$/, '');
const grafanaUrl = process.env.GRAFANA_URL ?? 'http://127.0.0.1:3000';
const timeoutMs = Number(process.env.DEMO_TIMEOUT_S ?? 60) * 1_000;

if (!process.argv.includes('--no-up')) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const up = spawnSync('make', ['--no-print-directory', '-C', root, 'up'], { stdio: 'inherit' });
  if (up.status !== 0) fail(`'make up' failed (exit ${up.status})`);
}

const response = await fetch(`${oneUrl}/one`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(EXAMPLE),
}).catch((error: unknown) => fail(`POST ${oneUrl}/one: ${(error as Error).message}`));
if (response.status !== 201) fail(`POST /one answered ${response.status}: ${await response.text()}`);
const { request_id: requestId } = (await response.json()) as { request_id: string };
// one names the trace of every answer in its `trace-id` header (the same id problem bodies carry).
const traceId = response.headers.get('trace-id') ?? fail('POST /one answered without a trace-id header');

const deadline = Date.now() + timeoutMs;
let status = 'ACCEPTED';
while (status !== 'DELIVERED' && status !== 'FAILED') {
  if (Date.now() > deadline) fail(`request ${requestId} is still ${status} after ${timeoutMs / 1_000} s`);
  await new Promise((resolve) => setTimeout(resolve, 250));
  const current = await fetch(`${oneUrl}/one/${requestId}`).catch(() => undefined);
  if (current?.ok) status = ((await current.json()) as { status: string }).status;
}

console.log(`
request id : ${requestId}
status     : ${status}
trace id   : ${traceId}
Grafana    : ${exploreUrlForTrace(traceId, grafanaUrl)}
(the link needs the observability stack: make observability-up)`);
process.exit(status === 'DELIVERED' ? 0 : 1);

function fail(message: string): never {
  console.error(`[demo] ${message}`);
  process.exit(1);
}
