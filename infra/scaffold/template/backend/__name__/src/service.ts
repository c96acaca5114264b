// Service __name__: consumes its topic with a consumer group, handles each message
// (handle-message.ts), counts outcomes in messages_handled_total, and serves /healthz, /readyz
// (ready once the consumer joined its group, until stopping) and /metrics.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKafka, traceProcess } from '@pkg/kafka';
import type { Logger } from '@pkg/logger';
import type { Metrics } from '@pkg/otel';
import type { ServiceConfig } from './config.js';
import { handleMessage } from './handle-message.js';

export interface RunningService {
  /** The bound HTTP port (the real one when configured with port 0). */
  port: number;
  /** Graceful stop: leave the consumer group (offsets committed), then close HTTP. */
  stop(): Promise<void>;
}

export async function startService(
  config: ServiceConfig,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
): Promise<RunningService> {
  const handled = metrics.meter.createCounter('messages_handled', {
    description: 'Messages of the consumed topic, by outcome (handled | rejected)',
  });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger });
  const consumer = kafka.consumer({ groupId: config.kafka.groupId });
  let joined = false;
  let stopping = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  consumer.on(consumer.events.CRASH, () => (joined = false));

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/metrics') return metrics.handler(request, response);
    const ready = joined && !stopping;
    const [status, body] =
      path === '/healthz'
        ? [200, { status: 'ok' }]
        : path === '/readyz'
          ? [ready ? 200 : 503, { ready }]
          : [404, {}];
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, resolve);
  });
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));

  try {
    await consumer.connect();
    await consumer.subscribe({ topic: config.kafka.topic, fromBeginning: config.kafka.fromBeginning });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) =>
        traceProcess({ ...message, topic, partition, groupId: config.kafka.groupId }, async () => {
          const result = handleMessage(message.value);
          handled.add(1, { outcome: result.outcome });
          if (result.outcome === 'rejected') logger.warn('message rejected', { reason: result.reason });
          else logger.info('message handled', { id: result.id });
        }),
    });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    await closeServer();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  logger.info('__name__ started', { port, topic: config.kafka.topic, group_id: config.kafka.groupId });

  return {
    port,
    async stop() {
      stopping = true;
      await consumer.disconnect();
      server.closeAllConnections();
      await closeServer();
      logger.info('__name__ stopped');
    },
  };
}
