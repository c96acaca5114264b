// Load generation with autocannon (the same tool for the ceiling and for POST /one, so the ratio
// compares like with like). Two shapes: as fast as N connections allow, and a fixed overall rate
// that also records when each 201 arrived, to measure the time to the third-party call.
import autocannon from 'autocannon';

export const REQUEST_BODY = JSON.stringify({
  user_id: 'bench-user',
  prompt: 'What is the value of k1?',
  data: [
    { key: 'k1', value: '15' },
    { key: 'k2', value: 'g3' },
  ],
});

export interface LoadFigures {
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  totalRequests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Requests per second over all connections; unlimited when absent. */
  overallRate?: number;
  /** Called for every 201 with its body and the wall-clock time it arrived. */
  onCreated?: (body: string, at: number) => void;
}

export async function load(options: LoadOptions): Promise<LoadFigures> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: REQUEST_BODY,
    connections: options.connections,
    duration: options.durationS,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    ...(options.onCreated
      ? {
          requests: [
            {
              onResponse: (status: number, body: string) => {
                if (status === 201) options.onCreated?.(body, performance.timeOrigin + performance.now());
              },
            },
          ],
        }
      : {}),
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
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Percentile by nearest rank of an unsorted list (ms). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number(sorted[rank]!.toFixed(1));
}
