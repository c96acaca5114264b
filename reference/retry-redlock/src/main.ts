import { Redis } from 'ioredis';
import pg from 'pg';
import Redlock from 'redlock';
import { createDeliveryRepository } from './deliveries.js';
import { createRetryJob } from './retry-job.js';

const env = (key: string, fallback?: string): string => {
  const value = process.env[key] ?? fallback;
  if (!value) throw new Error(`Missing configuration: ${key}`);
  return value;
};
const intervalMs = Number(env('RETRY_INTERVAL_MS', '5000'));
if (!Number.isInteger(intervalMs) || intervalMs <= 0)
  throw new Error('Invalid configuration: RETRY_INTERVAL_MS');

const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 4 });
const redis = new Redis(env('REDIS_URL', 'redis://127.0.0.1:6379'), { maxRetriesPerRequest: 2 });
// Both emit 'error' events; without a listener Node turns them into a crash.
redis.on('error', (error) => console.error('redis', error.message));
const redlock = new Redlock([redis], { retryCount: 0 });
redlock.on('error', () => {}); // per-attempt errors; the job reports the outcome itself

const job = createRetryJob({
  locks: redlock,
  deliveries: createDeliveryRepository(pool, env('RETRY_TABLE', 'failed_deliveries')),
  // Replace with the real redelivery (HTTP call, Kafka publish, ...) honouring the signal.
  deliver: async (item, signal) => {
    signal.throwIfAborted();
    console.log(`redelivering ${item.id} (attempt ${item.attempts + 1})`);
  },
  onEvent: (event) =>
    console.log(JSON.stringify({ ...event, error: 'error' in event ? String(event.error) : undefined })),
});
job.start(intervalMs);
console.log(`retry job running every ${intervalMs} ms`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void job.stop().then(async () => {
      await pool.end();
      redis.disconnect();
    });
  });
}
