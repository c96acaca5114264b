// Results one cannot apply, on every partition of three-result: an id beyond PostgreSQL's bigint,
// attempts beyond integer, wrong types, no JSON. Before the fix the out-of-range values passed
// validation, PostgreSQL refused the update, and the consumer retried that message forever: every
// later result on the partition stayed unapplied. Now each is counted and skipped, and the requests
// accepted afterwards must all show the status the third party saw.
import { Topics } from '@pkg/kafka';
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { drillKafka, pause, type Drill } from './drill.js';
import { metricsText, sample } from './one-probe.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

const POISON = [
  { request_id: '9'.repeat(19), status: 'DELIVERED', attempts: 1 },
  { request_id: '1', status: 'FAILED', attempts: 2 ** 31, error: 'e' },
  { request_id: '1', status: 'FAILED', attempts: '3' },
  { request_id: 1, status: 'DELIVERED', attempts: 1 },
].map((value) => JSON.stringify(value));

export const poisonResult: Drill = async ({ system, quick, log }) => {
  const invalidBefore = await invalidCount(system.oneUrl);
  const sent = await publishOnEveryPartition(system.infra.kafkaBrokers, [...POISON, '{"request_id":']);
  log(`${sent} unusable results published on three-result`);
  const load = steadyLoad(system.oneUrl, 10);
  await pause(quick ? 5_000 : 15_000);
  const ids = acceptedIds(await load.stop());
  const audit = await auditDeliveries(system, ids, { timeoutMs: 120_000 });
  const skippedAsInvalid = (await invalidCount(system.oneUrl)) - invalidBefore;
  return {
    pass: auditPasses(audit) && skippedAsInvalid >= sent,
    rule: `every unusable result counted as invalid and skipped; for the requests after them: ${AUDIT_RULE}`,
    counts: { poisonSent: sent, skippedAsInvalid, ...audit },
  };
};

async function invalidCount(oneUrl: string): Promise<number> {
  return sample(await metricsText(oneUrl), 'one_results_received_total', 'outcome="invalid"') ?? 0;
}

/** Sends each value once to each partition of three-result; returns how many messages it sent. */
async function publishOnEveryPartition(broker: string, values: readonly string[]): Promise<number> {
  const kafka = drillKafka(broker, 'faults-poison');
  const admin = kafka.admin();
  await admin.connect();
  const partitions = await admin.fetchTopicOffsets(Topics.threeResult).finally(() => admin.disconnect());
  const producer = kafka.producer();
  await producer.connect();
  try {
    const messages = partitions.flatMap(({ partition }) =>
      values.map((value) => ({ partition, key: 'poison', value })),
    );
    await producer.send({ topic: Topics.threeResult, messages });
    return messages.length;
  } finally {
    await producer.disconnect();
  }
}
