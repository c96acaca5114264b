// Kafka stopped for 30 s (10 s in the quick run) while POST /one runs at a constant rate: every
// 201 must reach the third party exactly once after Kafka returns (the outbox holds them meanwhile),
// be published once, and show the status the third party saw.
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { pause, startKafkaAgain, type Drill } from './drill.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

export const kafkaOutage: Drill = async ({ system, quick, log }) => {
  const outageS = quick ? 10 : 30;
  const load = steadyLoad(system.oneUrl, 20);
  await pause(3_000);
  log(`stopping the private Kafka for ${outageS} s`);
  await system.infra.stopKafka();
  const stoppedAt = load.answers.length;
  await pause(outageS * 1_000);
  const duringOutage = load.answers.slice(stoppedAt);
  const { twoRestartedAfterKafka } = await startKafkaAgain({ system, log });
  log('Kafka is back');
  await pause(3_000);
  const answers = await load.stop();
  const ids = acceptedIds(answers);
  const counts = await auditDeliveries(system, ids, { timeoutMs: 180_000 });
  return {
    pass: auditPasses(counts),
    rule: AUDIT_RULE,
    counts: {
      outageSeconds: outageS,
      twoRestartedAfterKafka,
      sent: answers.length,
      accepted201DuringOutage: duringOutage.filter((answer) => answer.status === 201).length,
      notAccepted: answers.filter((answer) => answer.status !== 201).length,
      ...counts,
    },
  };
};
