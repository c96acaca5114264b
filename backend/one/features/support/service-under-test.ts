// Starts service one in-process on port 0, configured for the test infrastructure.
import { createWriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@pkg/logger';
import { createMetrics } from '@pkg/otel';
import { Topics } from '@pkg/kafka';
import { uniqueId } from '@pkg/testkit';
import { configSchema } from '../../src/config.js';
import { startService, type RunningService } from '../../src/service.js';
import { infrastructure, oneDatabaseUrl, startGroupAtEnd } from './infrastructure.js';

const logDir = fileURLToPath(new URL('../../../../.data/logs/', import.meta.url));
mkdirSync(logDir, { recursive: true });
/** Service logs of the whole run; the path is printed when a scenario fails. */
export const serviceLogFile = `${logDir}one-component-tests.log`;
const logStream = createWriteStream(serviceLogFile, { flags: 'a' });

export interface ServiceOverrides {
  databaseUrl?: string;
  kafkaBrokers?: string[];
  drainDelayMs?: number;
  /** API protection (config keys auth, redis, rateLimit, cors); the shared instance leaves it off. */
  auth?: Record<string, unknown>;
  redisUrl?: string;
  rateLimit?: Record<string, unknown>;
  cors?: Record<string, unknown>;
}

export type TestInstance = RunningService & { resultsGroupId: string };

export async function startOne(overrides: ServiceOverrides = {}): Promise<TestInstance> {
  const resultsGroupId = uniqueId('one-test-results');
  await startGroupAtEnd(resultsGroupId, Topics.threeResult);
  const config = configSchema.parse({
    http: { port: 0 },
    database: { url: overrides.databaseUrl ?? oneDatabaseUrl, poolSize: 4 },
    kafka: {
      brokers: overrides.kafkaBrokers ?? infrastructure.kafkaBrokers,
      clientId: uniqueId('one-test'),
      resultsGroupId,
      retries: 1,
    },
    outbox: { sweepIntervalMs: 250 },
    // Several instances share the host: distinct node ids keep their Snowflake ids distinct.
    nodeId: Math.floor(Math.random() * 1024),
    // No drain delay unless a scenario is about it: nothing routes to a test instance by readiness.
    shutdown: { timeoutMs: 10_000, drainDelayMs: overrides.drainDelayMs ?? 0 },
    auth: overrides.auth ?? { mode: 'none' },
    redis: { url: overrides.redisUrl ?? infrastructure.redisUrl },
    // Off unless a scenario is about it: every scenario posts from 127.0.0.1, one shared address.
    rateLimit: overrides.rateLimit ?? { enabled: false },
    cors: overrides.cors ?? {},
  });
  const service = await startService({
    config,
    logger: createLogger({ service: 'one', level: 'debug', stream: logStream }),
    metrics: createMetrics({ serviceName: 'one' }),
  });
  return Object.assign(service, { resultsGroupId });
}
