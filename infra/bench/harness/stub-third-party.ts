// The harness's handle on the stub process (stub-server.ts): start it, ask what it saw, steer it.
import { startNodeProcess, type NodeProcess } from './node-process.js';

export interface KeyCalls {
  calls: number;
  /** Calls answered 200. More than one means the third party was asked to do the same work twice. */
  ok: number;
  /** performance.timeOrigin + performance.now() of the first call, in ms. */
  firstCallAt: number;
  firstOkAt: number | null;
}

export interface StubCalls {
  tokenFetches: number;
  threeCalls: number;
  byKey: Record<string, KeyCalls>;
}

/** Counts without the per-key map (GET /__summary). */
export interface StubSummary {
  tokenFetches: number;
  threeCalls: number;
  /** Idempotency-Keys seen at /three: requests delivered at least once. */
  distinctKeys: number;
  /** When the newest key was first seen (same clock as firstCallAt); 0 before any call. */
  lastFirstCallAt: number;
  jwksFetches: number;
  /** OTLP/HTTP export requests and request bytes (as sent: compressed when the exporter compresses), per signal. */
  otlp: Record<string, { requests: number; bytes: number }>;
}

export interface StubThirdParty {
  url: string;
  process: NodeProcess;
  calls(): Promise<StubCalls>;
  summary(): Promise<StubSummary>;
  /** Serves this JWKS at /.well-known/jwks.json from now on. */
  setJwks(jwks: unknown): Promise<void>;
  /** Fraction (0–1) of /three calls answered 503 (or `setFailStatus`'s status) from now on. */
  setFailRate(failRate: number): Promise<void>;
  /** The status of a failed /three call from now on: 503 (default) or a permanent 4xx. */
  setFailStatus(status: number): Promise<void>;
  /** The token endpoint from now on: answers, resets every connection, or answers 429. */
  setTokenMode(mode: 'ok' | 'reset' | '429'): Promise<void>;
  /** /three answers after this long from now on (recorded at arrival), so calls are in flight. */
  setThreeDelay(ms: number): Promise<void>;
  /** Every 503 from now on carries `Retry-After: <seconds>` (0: none). */
  setRetryAfter(seconds: number): Promise<void>;
}

export async function startStubThirdParty({ port, logFile }: { port: number; logFile: string }) {
  const url = `http://127.0.0.1:${port}`;
  const process = await startNodeProcess({
    name: 'stub',
    script: new URL('./stub-server.ts', import.meta.url).pathname,
    args: [String(port)],
    logFile,
    readyUrl: `${url}/__calls`,
  });
  const control = async (settings: Record<string, unknown>) => {
    const response = await fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(settings) });
    if (!response.ok) throw new Error(`stub refused ${JSON.stringify(settings)}`);
  };
  const stub: StubThirdParty = {
    url,
    process,
    calls: async () => (await (await fetch(`${url}/__calls`)).json()) as StubCalls,
    summary: async () => (await (await fetch(`${url}/__summary`)).json()) as StubSummary,
    setJwks: (jwks) => control({ jwks }),
    setFailRate: (failRate) => control({ failRate }),
    setFailStatus: (failStatus) => control({ failStatus }),
    setTokenMode: (tokenMode) => control({ tokenMode }),
    setThreeDelay: (threeDelayMs) => control({ threeDelayMs }),
    setRetryAfter: (retryAfterSeconds) => control({ retryAfterSeconds }),
  };
  return stub;
}
