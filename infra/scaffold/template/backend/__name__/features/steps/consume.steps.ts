import { After, Given, Then, When, setDefaultTimeout } from '@cucumber/cucumber';
import { createKafka, type Producer } from '@pkg/kafka';
import { Partitioners } from 'kafkajs';
import { createLogger } from '@pkg/logger';
import { createMetrics } from '@pkg/otel';
import { eventually, uniqueId } from '@pkg/testkit';
import { configSchema } from '../../src/config.js';
import { startService, type RunningService } from '../../src/service.js';

// Joining a consumer group takes seconds on a busy machine.
setDefaultTimeout(90_000);
const WITHIN = { timeoutMs: 60_000, intervalMs: 250 };

interface World {
  topic: string;
  service: RunningService;
  producer: Producer;
}

const logger = createLogger({ service: '__name__', level: 'warn' });

Given('service __name__ consumes a new topic', async function (this: World) {
  const kafkaBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  this.topic = uniqueId('__name__-events');
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: '__name__-test', logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const config = configSchema.parse({
    http: { port: 0 },
    kafka: { brokers: kafkaBrokers, topic: this.topic, groupId: uniqueId('__name__'), fromBeginning: true },
    telemetry: { otlpEnabled: false },
  });
  this.service = await startService(config, {
    logger,
    metrics: createMetrics({ serviceName: '__name__', serviceVersion: 'test' }),
  });
  await eventually(async () => {
    const response = await fetch(`http://127.0.0.1:${this.service.port}/readyz`);
    if (response.status !== 200) throw new Error(`/readyz answered ${response.status}`);
    return true;
  }, WITHIN);
  this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await this.producer.connect();
});

When('an event with a unique id is published to that topic', async function (this: World) {
  await this.producer.send({
    topic: this.topic,
    messages: [{ value: JSON.stringify({ id: uniqueId('event') }) }],
  });
});

When('a message without an id is published to that topic', async function (this: World) {
  await this.producer.send({ topic: this.topic, messages: [{ value: '{"no":"id"}' }] });
});

Then(
  /^service __name__ counts it as (handled|rejected) on \/metrics$/,
  async function (this: World, outcome: string) {
    await eventually(async () => {
      const text = await (await fetch(`http://127.0.0.1:${this.service.port}/metrics`)).text();
      if (!new RegExp(`^messages_handled_total\\{[^}]*outcome="${outcome}"[^}]*\\} 1$`, 'm').test(text))
        throw new Error(`no messages_handled_total{outcome="${outcome}"} 1 yet in:\n${text}`);
      return true;
    }, WITHIN);
  },
);

After(async function (this: World) {
  await this.producer?.disconnect();
  await this.service?.stop();
});
