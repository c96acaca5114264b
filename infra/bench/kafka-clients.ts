// `make bench-kafka-clients`: kafkajs (named by the design, behind @pkg/kafka) against
// @platformatic/kafka (maintained, pure JavaScript, from the npm registry) on the private native
// broker: the same messages (one.request.accepted with its headers), the same batches, idempotent
// producer with acks=all, then a consumer group reading them back. CPU per message of this process
// (the client) and of the broker, from /proc and process.cpuUsage; runs alternate A/B/A/B.
// Writes docs/benchmarks/kafka-clients.{json,md}.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  Consumer,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { acceptedRequestMessage } from '@pkg/testkit';
import kafkajs from 'kafkajs';
import { processSeconds } from './harness/cpu-usage.js';
import { describeMachine, installedVersion } from './harness/machine.js';
import { BENCH_DATA_DIR, DOCS_BENCHMARKS } from './harness/paths.js';
import { privateInfrastructure } from './harness/private-infrastructure.js';
import { PORTS } from './harness/system-under-test.js';

const quick = process.env.BENCH_QUICK === '1';
const MESSAGES = Number(process.env.BENCH_KAFKA_MESSAGES ?? (quick ? 5_000 : 30_000));
const BATCH = Number(process.env.BENCH_KAFKA_BATCH ?? 50);
const ROUNDS = quick ? 1 : 2;
const PARTITIONS = 3;
const WARMUP_MESSAGES = 3_000;
const log = (line: string) => console.log(`[kafka-clients] ${line}`);

interface Figures {
  client: string;
  round: number;
  produce: { messagesPerSecond: number; clientCpuMs: number; brokerCpuMs: number };
  consume: { messagesPerSecond: number; clientCpuMs: number; brokerCpuMs: number };
}

type Message = { key: string; value: string; headers: Record<string, string> };

const infra = privateInfrastructure({
  dataDir: BENCH_DATA_DIR,
  postgresPort: PORTS.postgres,
  kafkaPort: PORTS.kafka,
  log,
});
const brokers = [infra.kafkaBrokers];
const machine = describeMachine();
const startedAt = new Date().toISOString();
const results: Figures[] = [];
await infra.startKafka();
try {
  const messages = sampleMessages(MESSAGES);
  // Round 0 warms both clients' code up (JIT, connections); it is not reported.
  for (let round = 0; round <= ROUNDS; round += 1)
    for (const [client, run] of [
      ['kafkajs', runKafkajs],
      ['@platformatic/kafka', runPlatformatic],
    ] as const) {
      const topic = `bench-clients-${client.replace(/\W/g, '')}-${Date.now()}`;
      await createTopic(topic);
      log(`${client}, round ${round}: ${MESSAGES} messages in batches of ${BATCH} to ${topic}`);
      const figures = await run(topic, round === 0 ? messages.slice(0, WARMUP_MESSAGES) : messages);
      if (round > 0) results.push({ client, round, ...figures });
    }
} finally {
  await infra.stopKafka();
}

const sample = sampleMessages(1)[0]!;
const report = {
  startedAt,
  machine,
  versions: {
    node: process.version,
    kafka: (await import('./harness/private-infrastructure.js')).pinnedKafkaVersion(),
    kafkajs: installedVersion('kafkajs'),
    platformaticKafka: installedVersion('@platformatic/kafka'),
  },
  parameters: {
    messages: MESSAGES,
    warmupMessages: WARMUP_MESSAGES,
    batch: BATCH,
    partitions: PARTITIONS,
    acks: 'all',
    idempotent: true,
  },
  loadAverageAtEnd: loadavg().map((value) => Number(value.toFixed(2))),
  results,
};
writeFileSync(
  `${DOCS_BENCHMARKS}/kafka-clients${quick ? '-quick' : ''}.json`,
  `${JSON.stringify(report, null, 2)}\n`,
);
const markdown = `# kafkajs versus @platformatic/kafka (${quick ? 'quick' : 'full'})

${startedAt} · ${machine.nproc} × ${machine.cpuModel} · load average at start ${machine.loadAverageAtStart.join(' / ')} ·
Node ${report.versions.node}, Kafka ${report.versions.kafka} (native, KRaft, one broker), kafkajs ${report.versions.kafkajs},
@platformatic/kafka ${report.versions.platformaticKafka} · ${MESSAGES} one.request.accepted messages (${Buffer.byteLength(sample.value)}-byte JSON value,
${Object.keys(sample.headers).length} headers) per run, after an unreported warm-up run of ${WARMUP_MESSAGES} per client, in sequential batches of ${BATCH}, ${PARTITIONS} partitions, idempotent producer, acks = all; then one consumer in a
new group reads them all from the earliest offset. CPU in ms per message (client = this process; broker = the JVM).

| client | round | produce msg/s | produce CPU client | produce CPU broker | consume msg/s | consume CPU client | consume CPU broker |
|---|---|---|---|---|---|---|---|
${results
  .map(
    (r) =>
      `| ${r.client} | ${r.round} | ${r.produce.messagesPerSecond} | ${r.produce.clientCpuMs} | ${r.produce.brokerCpuMs} | ${r.consume.messagesPerSecond} | ${r.consume.clientCpuMs} | ${r.consume.brokerCpuMs} |`,
  )
  .join('\n')}

Reproduce: \`make bench-kafka-clients\`; the decision is in [analysis.md](analysis.md).
`;
writeFileSync(`${DOCS_BENCHMARKS}/kafka-clients${quick ? '-quick' : ''}.md`, markdown);
console.log(markdown);

/** The messages the relay publishes, as strings (value JSON, headers). */
function sampleMessages(count: number): Message[] {
  const base = BigInt(Date.now() - Date.UTC(2020, 0, 1));
  return Array.from({ length: count }, (_, i) => {
    const id = (((base + BigInt(i >> 12)) << 22n) | (1022n << 12n) | BigInt(i & 0xfff)).toString();
    const message = acceptedRequestMessage(id, { userId: 'old-usr-5', prompt: 'What is the value of k1?' });
    return {
      key: String(message.key),
      value: String(message.value),
      headers: Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
      ),
    };
  });
}

async function createTopic(topic: string) {
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** CPU ms per message of this process and of the broker, and messages/s, around `work`. */
async function measured(count: number, work: () => Promise<number>) {
  const broker = infra.pids().kafka;
  const brokerBefore = broker ? processSeconds(broker) : 0;
  const before = process.cpuUsage();
  const started = performance.now();
  const end = await work();
  const client = process.cpuUsage(before);
  const brokerSeconds = broker ? processSeconds(broker) - brokerBefore : 0;
  return {
    messagesPerSecond: Math.round(count / ((end - started) / 1_000)),
    clientCpuMs: Number(((client.user + client.system) / 1_000 / count).toFixed(3)),
    brokerCpuMs: Number(((brokerSeconds * 1_000) / count).toFixed(3)),
  };
}

async function runKafkajs(topic: string, messages: Message[]) {
  const kafka = new kafkajs.Kafka({ clientId: 'bench-kafkajs', brokers, logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({
    idempotent: true,
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const produce = await measured(messages.length, async () => {
    for (let from = 0; from < messages.length; from += BATCH)
      await producer.send({ topic, acks: -1, messages: messages.slice(from, from + BATCH) });
    return performance.now();
  });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const consume = await measured(messages.length, async () => {
    let seen = 0;
    return new Promise<number>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async () => {
            seen += 1;
            if (seen === messages.length) resolve(performance.now());
          },
        })
        .catch(reject);
    });
  });
  await consumer.disconnect();
  return { produce, consume };
}

async function runPlatformatic(topic: string, messages: Message[]) {
  const producer = new Producer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
  });
  const produce = await measured(messages.length, async () => {
    for (let from = 0; from < messages.length; from += BATCH)
      await producer.send({
        messages: messages.slice(from, from + BATCH).map((message) => ({ topic, ...message })),
      });
    return performance.now();
  });
  await producer.close();

  const consumer = new Consumer({
    groupId: `${topic}-group`,
    clientId: 'bench-platformatic',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
  });
  const consume = await measured(messages.length, async () => {
    const stream = await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.EARLIEST,
      autocommit: true,
    });
    let seen = 0;
    for await (const message of stream) {
      void message;
      seen += 1;
      if (seen === messages.length) break;
    }
    const end = performance.now();
    await stream.close();
    return end;
  });
  await consumer.close();
  return { produce, consume };
}
