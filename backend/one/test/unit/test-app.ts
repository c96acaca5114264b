import { createApp } from '../../src/http/app.js';
import type { ReadinessReport } from '../../src/health/readiness.js';
import { createAcceptRequest } from '../../src/requests/accept-request.js';
import { InMemoryRequestStore, noopMetrics, sequentialIds, silentLogger } from './fakes.js';

export const FIXTURE = {
  user_id: 'old-usr-5',
  prompt: 'What is the value of k1?',
  data: [
    { key: 'k1', value: '15' },
    { key: 'k2', value: 'g3' },
  ],
};

/** The real app over in-memory fakes; the returned handles let tests look at what happened. */
export function testApp(
  readiness: ReadinessReport = { ready: true, checks: { database: 'up', kafka: 'up', shutdown: 'up' } },
) {
  const store = new InMemoryRequestStore();
  const wakes: number[] = [];
  const now = new Date('2025-06-01T12:00:00.000Z');
  const app = createApp({
    accept: createAcceptRequest({
      store,
      ids: sequentialIds(),
      clock: () => now,
      onAccepted: () => wakes.push(1),
    }),
    requests: store,
    readiness: async () => readiness,
    metrics: noopMetrics(),
    metricsHandler: (_req, res) => res.end('# metrics\n'),
    openapi: { openapi: '3.1.0' },
    logger: silentLogger(),
    bodyLimitBytes: 64 * 1024,
  });
  return { app, store, wakes, now };
}
