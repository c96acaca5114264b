// The fastest honest stand-in for the auth server and the third party: plain node:http with
// keep-alive, counting calls. It runs in its own process so it does not share two's event loop
// (WireMock would measure WireMock; an in-process stub would halve two's CPU).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubCounts {
  tokenFetches: number;
  threeCalls: number;
}

/** Starts the stub in a child process; `counts()` asks it how often each endpoint was called. */
export async function startStubThirdParty() {
  const child = fork(new URL(import.meta.url), ['--serve'], { execArgv: process.execArgv, stdio: 'inherit' });
  const [port] = (await once(child, 'message')) as [number];
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    counts: async () => (await (await fetch(`${url}/__counts`)).json()) as StubCounts,
    close: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function serve() {
  const counts: StubCounts = { tokenFetches: 0, threeCalls: 0 };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/v2/oauth/token') {
        counts.tokenFetches += 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      if (request.url === '/three') counts.threeCalls += 1;
      response.writeHead(request.url === '/three' || request.url === '/__counts' ? 200 : 404, {
        'content-type': 'application/json',
      });
      response.end(request.url === '/__counts' ? JSON.stringify(counts) : '{"status":"accepted"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

if (process.argv.includes('--serve')) serve();
