import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean>;
}

export interface OpsServerOptions {
  host: string;
  port: number;
  readiness: readonly ReadinessCheck[];
  /** A check still running after this fails (default 2 s): a hung dependency must not hang /readyz. */
  readinessTimeoutMs?: number;
  metricsHandler: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface OpsServer {
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * two has no API, only operations endpoints: /healthz (the process answers), /readyz (every
 * dependency it needs answers; 503 names those that do not) and /metrics (Prometheus text).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET') return json(response, 405, { error: 'method not allowed' });
    if (path === '/healthz') return json(response, 200, { status: 'ok' });
    if (path === '/metrics') return options.metricsHandler(request, response);
    if (path === '/readyz') {
      void readiness(options.readiness, options.readinessTimeoutMs ?? 2_000).then((failing) =>
        json(
          response,
          failing.length === 0 ? 200 : 503,
          failing.length === 0 ? { status: 'ready' } : { status: 'not ready', failing },
        ),
      );
      return;
    }
    return json(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readiness(checks: readonly ReadinessCheck[], timeoutMs: number): Promise<string[]> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const ok = await Promise.race([check().catch(() => false), late]).finally(() => clearTimeout(timer));
      return ok ? undefined : name;
    }),
  );
  return results.filter((name): name is string => name !== undefined);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
