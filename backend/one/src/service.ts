// Builds service one from its configuration and runs it: the wiring main.ts and the component
// tests share. Every collaborator is created here and passed down as an argument.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { createTokenVerifier } from '@pkg/auth';
import type { AddressInfo } from 'node:net';
import type { DeepReadonly } from '@pkg/config';
import { resolveNodeId, Snowflake } from '@pkg/id';
import { createKafka, restartingConsumer } from '@pkg/kafka';
import kafkajs from 'kafkajs';
import type { Logger } from '@pkg/logger';
import type { Metrics } from '@pkg/otel';
import openapi from '../openapi.json' with { type: 'json' };
import type { OneConfig } from './config.js';
import { createDatabase } from './database.js';
import { createReadiness } from './health/readiness.js';
import { createApp } from './http/app.js';
import { authenticate } from './http/authentication.js';
import { rateLimit } from './http/rate-limit.js';
import { createOneMetrics, recordPublishLatency } from './metrics.js';
import { createKafkaPublisher } from './outbox/kafka-publisher.js';
import { PostgresOutboxStore } from './outbox/postgres-outbox-store.js';
import { createOutboxRelay } from './outbox/relay.js';
import { createAcceptRequest } from './requests/accept-request.js';
import { PostgresRequestStore } from './requests/postgres-request-store.js';
import { startResultConsumer } from './results/result-consumer.js';

export interface ServiceDependencies {
  config: DeepReadonly<OneConfig>;
  logger: Logger;
  metrics: Metrics;
}

export interface RunningService {
  /** The bound port (differs from the configured one when that is 0). */
  port: number;
  url: string;
  /**
   * Graceful stop within `shutdown.timeoutMs` minus a margin for the telemetry flush: not ready →
   * drain delay → no new connections → in-flight done → relay drained (bounded) → disconnect.
   */
  stop(): Promise<void>;
}

export async function startService({
  config,
  logger,
  metrics,
}: ServiceDependencies): Promise<RunningService> {
  const database = createDatabase({ ...config.database, logger });
  const requests = new PostgresRequestStore(database.prisma, database.pool);
  // The relay's transaction is bounded by the publish timeout (and the pool's statement timeouts).
  const outbox = new PostgresOutboxStore(database.pool);
  const oneMetrics = createOneMetrics(metrics.meter, () => outbox.backlog());

  const kafka = createKafka({ ...config.kafka, logger });
  // Idempotent + acks=all: broker-side de-duplication of retried sends, nothing lost on leader change.
  // Retries are bounded explicitly: without `retry`, kafkajs gives an idempotent producer
  // Number.MAX_SAFE_INTEGER retries, and a send started during an outage would never end. kafkajs
  // logs a warning that bounded retries "may invalidate EoS guarantees": a send that gives up may
  // still have reached the broker, and the next round publishes those rows again — the outbox's
  // at-least-once, which two's delivery store absorbs. The publisher awaits every send to its end
  // (kafkajs cannot cancel one), so there is never more than one send in flight.
  const publisher = createKafkaPublisher(
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: config.kafka.retries },
      createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    }),
    { maxBatchBytes: config.outbox.maxBatchBytes },
  );
  const relay = createOutboxRelay({
    store: outbox,
    publish: async (messages) => {
      const outcome = await publisher.publish(messages);
      const published = new Set(outcome.published);
      recordPublishLatency(
        oneMetrics,
        messages.filter((message) => published.has(message.eventId)).map((message) => message.payload),
        new Date(),
      );
      return outcome;
    },
    batchSize: config.outbox.batchSize,
    sweepIntervalMs: config.outbox.sweepIntervalMs,
    logger,
    metrics: oneMetrics,
  });

  const protection = createApiGuards(config, logger, metrics);

  let shuttingDown = false;
  let stopped: Promise<void> | undefined;
  const app = createApp({
    accept: createAcceptRequest({
      store: requests,
      ids: new Snowflake({ nodeId: resolveNodeId(config.nodeId) }),
      clock: () => new Date(),
      onAccepted: () => relay.wake(),
    }),
    requests,
    readiness: createReadiness({
      checkDatabase: () => requests.ping(),
      kafkaState: () => publisher.kafkaState(),
      isShuttingDown: () => shuttingDown,
    }),
    metrics: oneMetrics,
    metricsHandler: metrics.handler,
    openapi,
    logger,
    bodyLimitBytes: config.http.bodyLimitBytes,
    guards: protection.guards,
    corsAllowedOrigins: config.cors.allowedOrigins,
    trustedProxyHops: config.rateLimit.trustedProxyHops,
  });

  const server = app.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  // Kafka may be down at start: requests are still accepted, messages wait in the outbox. A consumer
  // kafkajs gave up on (e.g. "Failed to find group coordinator" after a broker restart) is replaced.
  const results = restartingConsumer({
    create: () => kafka.consumer({ groupId: config.kafka.resultsGroupId }),
    start: (consumer) =>
      startResultConsumer({
        consumer,
        groupId: config.kafka.resultsGroupId,
        store: requests,
        logger,
        metrics: oneMetrics,
      }),
    isStopping: () => shuttingDown,
    onRestart: (error) =>
      logger.error('three-result consumer stopped after a crash; starting a new one', {
        error: error.message,
      }),
    onStartFailed: (error) =>
      logger.warn('three-result consumer start failed; retrying', { error: error.message }),
  });
  const background = [
    retryUntilDone(
      'Kafka producer connect',
      () => publisher.connect(),
      () => shuttingDown,
      logger,
    ),
    retryUntilDone(
      'three-result consumer start',
      () => results.start(),
      () => shuttingDown,
      logger,
    ),
  ];
  relay.start();
  logger.info('service one listening', { host: config.http.host, port });

  return {
    port,
    url: `http://${config.http.host}:${port}`,
    stop: () => (stopped ??= stop()),
  };

  async function stop() {
    // The lifecycle exits 1 when the whole stop (this plus the telemetry flush) overruns
    // shutdown.timeoutMs: this keeps a margin for the flush and bounds every step that waits on
    // something outside the process (Kafka, PostgreSQL) by what is left.
    const deadline = performance.now() + config.shutdown.timeoutMs - STOP_MARGIN_MS;
    const left = () => Math.max(0, deadline - performance.now());
    shuttingDown = true;
    await new Promise((resolve) => setTimeout(resolve, config.shutdown.drainDelayMs));
    await closeServer(server);
    if (!(await relay.stop(left())))
      logger.warn('outbox round still running at shutdown; its messages stay pending for the next start');
    await within(Promise.allSettled(background), left(), 'background start-up tasks', logger);
    await within(results.disconnect(), left(), 'three-result consumer disconnect', logger);
    await within(publisher.disconnect(), left(), 'Kafka producer disconnect', logger);
    await within(database.close(), left(), 'database pool close', logger);
    protection.close();
    logger.info('service one stopped');
  }
}

/**
 * The guards in front of /one (README "API protection"): in `jwt` mode the bearer token check, then
 * (when enabled) the Redis rate limit, keyed by the token subject in `jwt` mode and by the client
 * address in `none` mode.
 */
function createApiGuards(
  config: DeepReadonly<OneConfig>,
  logger: Logger,
  metrics: Metrics,
): { guards: RequestHandler[]; close: () => void } {
  const guards: RequestHandler[] = [];
  const { auth } = config;
  if (auth.mode === 'jwt') {
    const verify = createTokenVerifier({
      // the schema refuses jwt mode without these three
      jwksUrl: new URL(auth.jwksUrl!),
      issuer: auth.issuer!,
      audience: auth.audience!,
      algorithms: auth.algorithms,
      clockToleranceSec: auth.clockToleranceS,
      refetchCooldownMs: auth.jwksCooldownMs,
      keySetMaxAgeMs: auth.jwksMaxAgeMs,
      fetchTimeoutMs: auth.jwksTimeoutMs,
    });
    guards.push(authenticate({ verify, readAnyScope: auth.readAnyScope }));
  }
  if (!(config.rateLimit.enabled ?? auth.mode === 'jwt')) return { guards, close: () => undefined };

  const redis = new Redis(config.redis.url, {
    // Nothing waits for a connection: the limiter fails open at once while Redis is away.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.redis.commandTimeoutMs,
    connectTimeout: 2_000,
    // Reconnect every second at most; the limiter is in use again as soon as Redis answers.
    retryStrategy: (attempt) => Math.min(attempt * 200, 1_000),
  });
  let lastLogged = -Infinity;
  redis.on('error', (error: Error) => {
    // ioredis emits every failed reconnect; one line a minute says enough.
    if (performance.now() - lastLogged < 60_000) return;
    lastLogged = performance.now();
    logger.warn('rate limit Redis unreachable; requests are not limited until it answers', {
      error: error.message,
    });
  });
  guards.push(
    rateLimit({
      redis,
      points: config.rateLimit.points,
      durationS: config.rateLimit.durationS,
      keyBy: auth.mode === 'jwt' ? 'subject' : 'address',
      unavailable: metrics.meter.createCounter('one.ratelimit.unavailable', {
        description: 'Requests let through unlimited because the rate limit store (Redis) did not answer',
      }),
      logger,
    }),
  );
  return { guards, close: () => redis.disconnect() };
}

/** What stop() leaves of shutdown.timeoutMs for the telemetry flush that runs after it. */
const STOP_MARGIN_MS = 1_500;

/** Waits for `work` at most `timeoutMs`; past that, logs and moves on (the process is about to exit). */
async function within(
  work: Promise<unknown>,
  timeoutMs: number,
  what: string,
  logger: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const settled = await Promise.race([
      work.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      timeout,
    ]);
    if (settled === 'timeout') logger.warn(`${what} did not finish within the stop bound; moving on`);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `task` every few seconds until it succeeds or the service stops. */
async function retryUntilDone(
  what: string,
  task: () => Promise<void>,
  stopped: () => boolean,
  logger: Logger,
) {
  while (!stopped()) {
    try {
      await task();
      return;
    } catch (error) {
      logger.warn(`${what} failed; retrying`, {
        error: error instanceof Error ? error.message : String(error),
      });
      await new Promise((resolve) => setTimeout(resolve, 2_000).unref());
    }
  }
}

/** Stops accepting connections and resolves once in-flight requests have been answered. */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  // Keep-alive connections with no request in flight would otherwise hold close() open.
  server.closeIdleConnections();
  await closed;
}
