import { trace } from '@opentelemetry/api';
import { createLogger } from '@pkg/logger';
import { Writable } from 'node:stream';
import { handleChunk } from '/work/wt-two2/backend/two/src/consumer/handle-chunk.ts';
import { createThreeDelivery } from '/work/wt-two2/backend/two/src/third-party/deliver-to-three.ts';
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));
let calls = 0;
const store: any = {
  async claim(ids: string[]) { return new Map(ids.map((id) => [id, { requestId: id, status: 'PENDING', attempts: 0, deliveredAt: null, leased: true }])); },
  async renew(ids: string[]) { return new Set(ids); }, async release() {}, async finish() {}, find: async () => undefined, ping: async () => {},
};
const delivery = createThreeDelivery({
  three: { post: async () => { calls++; await new Promise((r) => setTimeout(r, 50)); return { status: calls <= 60 ? 503 : 200 }; }, close: async () => {} } as any,
  tokens: { getToken: async () => 't', invalidate() {} } as any,
  policy: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 1000, breaker: { consecutiveFailures: 5, halfOpenAfterMs: 1000 } },
});
const m = { messageHandled() {}, retried() {}, deliveryPaused() {}, tokenFetched() {}, deadLettered() {}, thirdPartyCalled() {} };
const messages = Array.from({ length: 50 }, (_, i) => ({ topic: 't', partition: 0, offset: String(i), key: Buffer.from(String(1000 + i)),
  value: Buffer.from(JSON.stringify({ version: 1, type: 'one.request.accepted', request_id: String(1000 + i), user_id: 'u', prompt: 'p', data: [], accepted_at: new Date().toISOString() })), headers: {} }));
const controller = new AbortController();
await handleChunk({ store, delivery, topics: { results: 'r', deadLetters: 'd' }, clock: () => new Date(), logger: createLogger({ service: 'two', stream: new Writable({ write: (_c, _e, d) => d() }) }), metrics: m as any, tracer: trace.getTracer('x'), lease: { owner: 'o', callBoundMs: 1000 } }, messages, controller.signal);
await new Promise((r) => setTimeout(r, 100));
console.log('warnings:', JSON.stringify(warnings));
