// The fast local stand-in for the auth server and the third party, run as its own process
// (`node --import tsx stub-server.ts <port>`) so it never shares an event loop with what it measures.
// Plain node:http with keep-alive; WireMock would measure WireMock.
//   POST /v2/oauth/token  → a bearer token valid for an hour (counted); or, as steered, a reset
//                           connection or a 429
//   POST /three           → 200, or 503 for a configured fraction of calls; every call is recorded
//                           per Idempotency-Key with its time and status
//   GET  /__calls         → what was recorded;  POST /__control {"failRate": 0.5} or
//                           {"tokenMode": "ok"|"reset"|"429"} or {"threeDelayMs": 1500} or
//                           {"retryAfterSeconds": 30} (sent with every 503) or {"failStatus": 400}
//                           (the status of a failed call; 503 by default) → change behaviour
//   GET  /__summary       → the counts only (no per-key map): cheap enough to poll while draining
//   POST /v1/traces|metrics|logs → 200: an OTLP/HTTP sink, so a bench with telemetry export on pays
//                           the services' real export cost without a collector; the request bytes
//                           of each signal are counted (the bench's OTLP bytes per request)
//   GET  /.well-known/jwks.json → the JWKS set by POST /__control {"jwks": {...}} (404 before):
//                           the issuer's keys for the bench's jwt variant
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StubCalls, StubSummary } from './stub-third-party.js';

const calls: StubCalls = { tokenFetches: 0, threeCalls: 0, byKey: {} };
const summary: StubSummary = {
  tokenFetches: 0,
  threeCalls: 0,
  distinctKeys: 0,
  lastFirstCallAt: 0,
  jwksFetches: 0,
  otlp: {},
};
let jwks: unknown = undefined;
let failRate = 0;
/** The token endpoint's behaviour: answer, reset the connection, or answer 429 (a drill's outage). */
let tokenMode: 'ok' | 'reset' | '429' = 'ok';
/** How long /three takes to answer (a drill that needs calls in flight at a given moment). */
let threeDelayMs = 0;
/** The status a failed call gets: 503 (an outage, retried) or a permanent 4xx (dead-lettered). */
let failStatus = 503;
/** The `Retry-After` (seconds) sent with every 503; none when 0. */
let retryAfterSeconds = 0;
/** A small deterministic generator: the same run fails the same calls. */
let seed = 0x2545f491;
const nextRandom = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

function answer(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, {
    'content-type': 'application/json',
    ...(status === 503 && retryAfterSeconds > 0 ? { 'retry-after': String(retryAfterSeconds) } : {}),
  });
  response.end(JSON.stringify(body));
}

function recordThreeCall(request: IncomingMessage, response: ServerResponse) {
  const at = now();
  const key = String(request.headers['idempotency-key'] ?? 'missing');
  const authorized = request.headers.authorization?.startsWith('Bearer ') === true;
  const status = !authorized ? 401 : nextRandom() < failRate ? failStatus : 200;
  let entry = calls.byKey[key];
  if (!entry) {
    entry = calls.byKey[key] = { calls: 0, ok: 0, firstCallAt: at, firstOkAt: null };
    summary.distinctKeys += 1;
    summary.lastFirstCallAt = at;
  }
  entry.calls += 1;
  calls.threeCalls += 1;
  summary.threeCalls += 1;
  if (status === 200) {
    entry.ok += 1;
    entry.firstOkAt ??= at;
  }
  const body = status === 200 ? { status: 'accepted' } : { error: `answered ${status}` };
  if (threeDelayMs === 0) return answer(response, status, body);
  setTimeout(() => answer(response, status, body), threeDelayMs);
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method === 'POST' && request.url === '/v2/oauth/token') {
      calls.tokenFetches += 1;
      summary.tokenFetches += 1;
      if (tokenMode === 'reset') return void request.socket.destroy();
      if (tokenMode === '429') return answer(response, 429, { error: 'slow_down' });
      return answer(response, 200, { access_token: 'stub-token', token_type: 'Bearer', expires_in: 3600 });
    }
    if (request.method === 'POST' && request.url === '/three') return recordThreeCall(request, response);
    if (request.method === 'POST' && request.url?.startsWith('/v1/')) {
      const signal = (summary.otlp[request.url.slice('/v1/'.length)] ??= { requests: 0, bytes: 0 });
      signal.requests += 1;
      signal.bytes += chunks.reduce((total, chunk) => total + chunk.length, 0);
      return answer(response, 200, {});
    }
    if (request.method === 'GET' && request.url === '/__calls') return answer(response, 200, calls);
    if (request.method === 'GET' && request.url === '/__summary') return answer(response, 200, summary);
    if (request.method === 'GET' && request.url === '/.well-known/jwks.json') {
      if (jwks === undefined) return answer(response, 404, { error: 'no JWKS set' });
      summary.jwksFetches += 1;
      return answer(response, 200, jwks);
    }
    if (request.method === 'POST' && request.url === '/__control') {
      const control = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
        failRate?: number;
        tokenMode?: typeof tokenMode;
        threeDelayMs?: number;
        jwks?: unknown;
        retryAfterSeconds?: number;
        failStatus?: number;
      };
      jwks = control.jwks ?? jwks;
      threeDelayMs = control.threeDelayMs ?? threeDelayMs;
      failRate = control.failRate ?? failRate;
      tokenMode = control.tokenMode ?? tokenMode;
      retryAfterSeconds = control.retryAfterSeconds ?? retryAfterSeconds;
      failStatus = control.failStatus ?? failStatus;
      return answer(response, 200, { failRate, tokenMode, threeDelayMs, retryAfterSeconds, failStatus });
    }
    answer(response, 404, { error: 'not found' });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
