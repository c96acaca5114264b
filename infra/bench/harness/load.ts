// The request the harness sends (the README's curl, byte for byte) and the figures a load run
// returns. wrk (harness/wrk.ts) generates the load; autocannon stays as the in-process Node
// generator the harness used before, so `BENCH_LOAD_GENERATOR=autocannon` can show what sharing
// the harness's event loop and the cores with a Node generator does to the figures.
import autocannon from 'autocannon';

/** The body of the README's `curl -X POST localhost:8099/one` (Quick start). */
export const REQUEST_BODY = JSON.stringify({
  user_id: 'old-usr-5',
  prompt: 'What is the value of k1?',
  data: [
    { key: 'k1', value: '15' },
    { key: 'k2', value: 'g3' },
  ],
});

/** The user_id of REQUEST_BODY (the `sub` of the jwt variant's token). */
export const REQUEST_USER_ID = 'old-usr-5';

export interface LoadFigures {
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  totalRequests: number;
  /** How long the generator ran, as it measured it. */
  durationS: number;
  /** Answers with a status ≥ 400. */
  non2xx: number;
  /** Connect, read and write errors. */
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  body: string;
  headers?: Record<string, string>;
}

/** autocannon in this process: the Node generator of the old harness, kept for the comparison. */
export async function autocannonLoad(options: LoadOptions): Promise<LoadFigures> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    connections: options.connections,
    duration: options.durationS,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    totalRequests: result.requests.total,
    durationS: result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
