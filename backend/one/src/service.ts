// Builds service one from its configuration and runs it: the wiring main.ts and the component
// tests share. Every collaborator is created here and passed down as an argument.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeepReadonly } from '@pkg/config';
import { resolveNodeId, Snowflake } from '@pkg/id';
import { createKafka } from '@pkg/kafka';
import kafkajs from 'kafkajs';
import type { Logger } from '@pkg/logger';
import type { Metrics } from '@pkg/otel';
import openapi from '../openapi.json' with { type: 'json' };
import type { OneConfig } from './config.js';
import { createDatabase } from './database.js';
import { createReadiness } from './health/readiness.js';
import { createApp } from './http/app.js';
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
  /** Graceful stop: not ready → no new connections → in-flight done → relay drained → disconnect. */
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
  const oneMetrics = createOneMetrics(metrics.meter, () => outbox.countPending());

  const kafka = createKafka({ ...config.kafka, logger });
  // Idempotent + acks=all: broker-side de-duplication of retried sends, nothing lost on leader change.
  // Retries stay bounded (kafkajs warns about that): a send that gives up leaves its rows in the
  // outbox for the next round, which is how an outage is absorbed.
  const publisher = createKafkaPublisher(
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    }),
    config.outbox.publishTimeoutMs,
  );
  const relay = createOutboxRelay({
    store: outbox,
    publish: async (messages) => {
      await publisher.publish(messages);
      recordPublishLatency(
        oneMetrics,
        messages.map((message) => message.payload),
        new Date(),
      );
    },
    batchSize: config.outbox.batchSize,
    sweepIntervalMs: config.outbox.sweepIntervalMs,
    logger,
    metrics: oneMetrics,
  });

  let shuttingDown = false;
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
      isKafkaConnected: () => publisher.isConnected(),
      isShuttingDown: () => shuttingDown,
    }),
    metrics: oneMetrics,
    metricsHandler: metrics.handler,
    openapi,
    logger,
    bodyLimitBytes: config.http.bodyLimitBytes,
  });

  const server = app.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  // Kafka may be down at start: requests are still accepted, messages wait in the outbox.
  const consumer = kafka.consumer({ groupId: config.kafka.resultsGroupId });
  const background = [
    retryUntilDone(
      'Kafka producer connect',
      () => publisher.connect(),
      () => shuttingDown,
      logger,
    ),
    retryUntilDone(
      'three-result consumer start',
      () =>
        startResultConsumer({
          consumer,
          groupId: config.kafka.resultsGroupId,
          store: requests,
          logger,
          metrics: oneMetrics,
        }),
      () => shuttingDown,
      logger,
    ),
  ];
  relay.start();
  logger.info('service one listening', { host: config.http.host, port });

  return {
    port,
    url: `http://${config.http.host}:${port}`,
    stop: async () => {
      shuttingDown = true;
      await closeServer(server);
      await relay.stop();
      await Promise.allSettled(background);
      await consumer.disconnect();
      await publisher.disconnect();
      await database.close();
      logger.info('service one stopped');
    },
  };
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
