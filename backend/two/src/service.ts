import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import { createAccessTokenClient } from '@pkg/accesstoken';
import { createKafka } from '@pkg/kafka';
import { Partitioners } from 'kafkajs';
import type { Logger } from '@pkg/logger';
import type { Metrics } from '@pkg/otel';
import type { TwoConfig } from './config.js';
import { createRequestConsumer } from './consumer/request-consumer.js';
import type { DeliveryStore } from './deliveries/delivery-store.js';
import { createDeliveryDatabase } from './deliveries/database.js';
import { createPostgresDeliveryStore } from './deliveries/postgres-delivery-store.js';
import { startOpsServer } from './http/ops-server.js';
import { createPostgresReplayRecords } from './replay/replay-records.js';
import { observeConsumerLag } from './telemetry/consumer-lag.js';
import { observeDeadLetterDepth } from './telemetry/dead-letter-depth.js';
import { timedThreeClient } from './telemetry/timed-three-client.js';
import { createTwoMetrics } from './telemetry/two-metrics.js';
import { createThreeDelivery } from './third-party/deliver-to-three.js';
import { createThreeClient } from './third-party/three-client.js';

/** How often two_consumer_lag and two_dead_letters_unreplayed ask; scrapes in between read the cached numbers. */
const LAG_REFRESH_INTERVAL_MS = 5_000;

export interface TwoDependencies {
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
}

export interface RunningTwo {
  /** Port of /healthz, /readyz and /metrics (the real one when configured with port 0). */
  port: number;
  store: DeliveryStore;
  /** Graceful stop: consumer first (commits), then producer, HTTP pools, database, metrics. */
  stop(): Promise<void>;
}

/**
 * Builds service two from its configuration and starts it: the ops HTTP server, then the
 * producer, then the consumer. main.ts calls this; so can a test, in-process, with its own config.
 */
export async function startTwo(
  config: TwoConfig,
  { logger, metrics, clock = () => new Date() }: TwoDependencies,
): Promise<RunningTwo> {
  const twoMetrics = createTwoMetrics(metrics.meter, clock);
  const database = createDeliveryDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    onIdleError: (error) => logger.warn('idle database connection lost', { error: error.message }),
  });
  const store = createPostgresDeliveryStore(database);
  const tokens = createAccessTokenClient({
    ...config.auth,
    retry: { maxAttempts: config.auth.maxAttempts },
    onFetch: ({ outcome }) => twoMetrics.tokenFetched(outcome),
  });
  // Every waiting delivery pauses again and again during an outage: one line per reason per 10 s.
  const lastPauseLog = new Map<string, number>();
  const pauseLog = (reason: string, error: string) => {
    const now = performance.now();
    if (now - (lastPauseLog.get(reason) ?? -Infinity) < 10_000) return;
    lastPauseLog.set(reason, now);
    logger.warn('deliveries paused: waiting for an outage to pass', { reason, error });
  };
  const three = timedThreeClient(createThreeClient(config.three), twoMetrics);
  const delivery = createThreeDelivery({
    three,
    tokens,
    policy: config.three,
    onRetry: twoMetrics.retried,
    onPause: (reason, error) => {
      twoMetrics.deliveryPaused(reason);
      pauseLog(reason, error);
    },
  });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = createRequestConsumer({
    ...config.kafka,
    kafka,
    producer,
    logger,
    topic: config.kafka.topics.requests,
    handler: {
      store,
      delivery,
      topics: config.kafka.topics,
      clock,
      logger,
      metrics: twoMetrics,
      tracer: trace.getTracer('two'),
      consumerGroup: config.kafka.groupId,
      // A process is one lease owner: a restarted one waits for the leases its predecessor left.
      lease: { owner: `${hostname()}/${randomUUID()}`, callBoundMs: 2 * config.three.timeoutMs },
    },
  });
  const lag = observeConsumerLag({
    meter: metrics.meter,
    admin: kafka.admin(),
    groupId: config.kafka.groupId,
    topic: config.kafka.topics.requests,
    refreshIntervalMs: LAG_REFRESH_INTERVAL_MS,
  });
  const deadLetterDepth = observeDeadLetterDepth({
    meter: metrics.meter,
    admin: kafka.admin(),
    replays: createPostgresReplayRecords(database.pool),
    topic: config.kafka.topics.deadLetters,
    refreshIntervalMs: LAG_REFRESH_INTERVAL_MS,
  });
  const ops = await startOpsServer({
    ...config.http,
    metricsHandler: metrics.handler,
    readiness: [
      { name: 'kafka consumer', check: async () => consumer.isJoined() },
      { name: 'database', check: () => store.ping().then(() => true) },
    ],
  });

  const closeAll = async () => {
    await three.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    await ops.close();
  };
  try {
    await store.ping(); // fails fast on a wrong database URL, and opens the pool before traffic
    await producer.connect();
    // Before the consumer: /readyz turns 200 as soon as the group is joined, and two_consumer_lag
    // must be there by then (its first refresh would otherwise come after).
    await lag.start();
    await deadLetterDepth.start();
    await consumer.start();
  } catch (error) {
    await lag.stop();
    await deadLetterDepth.stop();
    await producer.disconnect().catch(() => undefined);
    await closeAll();
    throw error;
  }
  logger.info('two started', {
    port: ops.port,
    topic: config.kafka.topics.requests,
    group_id: config.kafka.groupId,
  });

  return {
    port: ops.port,
    store,
    async stop() {
      await lag.stop();
      await deadLetterDepth.stop();
      await consumer.stop();
      await producer.disconnect();
      await closeAll();
      logger.info('two stopped');
    },
  };
}
