// A dependency that stops answering must fail two's calls within their bounds, never hang them:
// a hung claim or finish holds the chunk (and with it heartbeats and the stop), a hung /readyz
// tells the orchestrator nothing.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { twoConfig } from '../../src/config.js';
import { createDeliveryDatabase } from '../../src/deliveries/database.js';
import { createPostgresDeliveryStore } from '../../src/deliveries/postgres-delivery-store.js';
import { startOpsServer } from '../../src/http/ops-server.js';

/** Rejects if `promise` has not settled within `ms`, so a hang fails the test instead of stalling it. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

/** Accepts TCP connections and never says a word: a database that went silent. */
async function silentServer(): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port };
}

describe('bounded waits', () => {
  it('a silent database fails claim and ping within the connect bound instead of hanging', async () => {
    const { port } = await silentServer();
    const database = createDeliveryDatabase({
      databaseUrl: `postgresql://postgres:postgres@127.0.0.1:${port}/two`,
      poolSize: 1,
      connectTimeoutMs: 100,
      statementTimeoutMs: 100,
    });
    const store = createPostgresDeliveryStore(database);
    await assert.rejects(
      within(5_000, store.claim(['1'], new Date(), { owner: 'test', durationMs: 1_000 })),
      /timeout/i,
    );
    await assert.rejects(within(5_000, store.ping()), /timeout/i);
    await within(5_000, database.close()).catch(() => undefined);
  });

  it('/readyz answers 503 naming a check that hangs, within the readiness bound', async () => {
    const ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      readinessTimeoutMs: 50,
      metricsHandler: (_request, response) => response.end(),
      readiness: [
        { name: 'database', check: () => new Promise<boolean>(() => {}) },
        { name: 'kafka consumer', check: async () => true },
      ],
    });
    after(() => ops.close());
    const response = await fetch(`http://127.0.0.1:${ops.port}/readyz`, {
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: 'not ready', failing: ['database'] });
  });

  it('refuses a stop bound that cannot wait for one third-party call in flight', () => {
    const secret = { auth: { clientSecret: 'x' } };
    assert.throws(
      () => twoConfig({ ...secret, three: { timeoutMs: 5_000 }, shutdownTimeoutMs: 8_000 }),
      /shutdownTimeoutMs/,
    );
    assert.equal(
      twoConfig({ ...secret, three: { timeoutMs: 5_000 }, shutdownTimeoutMs: 15_000 }).shutdownTimeoutMs,
      15_000,
    );
  });
});
