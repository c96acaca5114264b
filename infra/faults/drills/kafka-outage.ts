// Kafka stopped for 30 s (10 s in the quick run) while POST /one runs at a constant rate: every
// 201 must reach the third party exactly once after Kafka returns (the outbox holds them meanwhile).
import { awaitDeliveries } from './delivery-audit.js';
import { pause, type Drill } from './drill.js';
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
  await system.infra.startKafka();
  log('Kafka is back');
  await pause(3_000);
  const answers = await load.stop();
  const ids = acceptedIds(answers);
  const counts = await awaitDeliveries(system.stub, ids, { timeoutMs: 180_000 });
  return {
    pass: counts.lost === 0 && counts.duplicated === 0 && ids.length > 0,
    rule: 'every 201 delivered to the third party (lost = 0), none twice (duplicated = 0)',
    counts: {
      outageSeconds: outageS,
      sent: answers.length,
      accepted201DuringOutage: duringOutage.filter((answer) => answer.status === 201).length,
      notAccepted: answers.filter((answer) => answer.status !== 201).length,
      ...counts,
    },
  };
};
