// Kafka stopped while requests of ≈ 55 KB (the largest the API accepts in practice: a
// 4,000-character prompt and 50 data items of 1,000 characters) are accepted; then Kafka returns.
// Before the fix the relay sent a claimed batch of 200 rows in one send, Kafka refused it as larger
// than message.max.bytes, and the relay retried the same rows forever: nothing after them was
// published. Now every 201 must be published once and delivered.
import { largeRequest } from '@pkg/testkit';
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { startKafkaAgain, type Drill } from './drill.js';
import { acceptedIds, postAll } from './steady-load.js';

export const bigPayloadOutage: Drill = async ({ system, quick, log }) => {
  const count = quick ? 150 : 1_000;
  log(`stopping the private Kafka; posting ${count} requests of ≈ 55 KB`);
  await system.infra.stopKafka();
  const bodies = Array.from({ length: count }, (_, index) =>
    JSON.stringify(largeRequest('drill-big', index)),
  );
  const answers = await postAll(system.oneUrl, bodies, 4);
  const ids = acceptedIds(answers);
  const { twoRestartedAfterKafka } = await startKafkaAgain({ system, log });
  log(`Kafka is back; ${ids.length} accepted`);
  const started = performance.now();
  const audit = await auditDeliveries(system, ids, { timeoutMs: quick ? 180_000 : 600_000 });
  return {
    pass: ids.length === count && auditPasses(audit),
    rule: `all ${count} accepted (201) while Kafka was down; ${AUDIT_RULE}`,
    counts: {
      posted: count,
      twoRestartedAfterKafka,
      bodyBytes: Buffer.byteLength(bodies[0] ?? ''),
      secondsToAudit: Math.round((performance.now() - started) / 1_000),
      ...audit,
    },
  };
};
