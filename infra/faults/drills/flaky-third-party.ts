// The third party fails half of the calls with 503: every request must be delivered in the end,
// no id may be called more often than two's configured bound, and a dead letter is only right when
// the stub answered 5xx to every one of those attempts (never after a 200, never before the bound).
import { Topics } from '@pkg/kafka';
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { drillKafka, pause, type Drill } from './drill.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

const MAX_ATTEMPTS = 10;

export const flakyThirdParty: Drill = async ({ system, quick, log }) => {
  // With 50 % failures, 5 attempts (the default) give up on 1 request in 32: the drill configures
  // 10 (1 in 1,024) and short backoffs, and counts rightly dead-lettered requests separately.
  await system.two.stop();
  system.two = await system.startTwo({
    TWO_THREE__MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    TWO_THREE__INITIAL_DELAY_MS: '20',
    TWO_THREE__MAX_DELAY_MS: '500',
  });
  const deadLetters = await watchDeadLetters(system.infra.kafkaBrokers);
  await system.stub.setFailRate(0.5);
  log(`third party now fails half of the calls; two retries up to ${MAX_ATTEMPTS} attempts`);
  try {
    const load = steadyLoad(system.oneUrl, 20);
    await pause(quick ? 5_000 : 15_000);
    const ids = acceptedIds(await load.stop());
    const counts = await auditDeliveries(system, ids, {
      timeoutMs: 180_000,
      settled: () => new Set(ids.filter((id) => deadLetters.ids.has(id))),
    });
    const calls = await system.stub.calls();
    const deadLettered = ids.filter((id) => deadLetters.ids.has(id));
    const wronglyDeadLettered = deadLettered.filter(
      (id) => (calls.byKey[id]?.ok ?? 0) > 0 || (calls.byKey[id]?.calls ?? 0) < MAX_ATTEMPTS,
    ).length;
    const failedCalls = ids.reduce(
      (sum, id) => sum + ((calls.byKey[id]?.calls ?? 0) - (calls.byKey[id]?.ok ?? 0)),
      0,
    );
    const allCalls = ids.reduce((sum, id) => sum + (calls.byKey[id]?.calls ?? 0), 0);
    return {
      pass: auditPasses(counts) && wronglyDeadLettered === 0 && counts.maxCallsForOneId <= MAX_ATTEMPTS,
      rule: `${AUDIT_RULE}; wrongly dead-lettered = 0, max calls per id ≤ ${MAX_ATTEMPTS}`,
      counts: {
        ...counts,
        thirdPartyCalls: allCalls,
        answered503: failedCalls,
        rightlyDeadLettered: deadLettered.length - wronglyDeadLettered,
        wronglyDeadLettered,
        configuredMaxAttempts: MAX_ATTEMPTS,
      },
    };
  } finally {
    await system.stub.setFailRate(0);
    await deadLetters.stop();
    await system.two.stop();
    system.two = await system.startTwo();
  }
};

/**
 * Reads the dead-letter topic from the beginning with a group of its own; keys are request ids.
 * `ids`: every id dead-lettered; `perId`: how many dead letters each id got.
 */
export async function watchDeadLetters(broker: string) {
  const kafka = drillKafka(broker, 'faults-dlq');
  const consumer = kafka.consumer({ groupId: `faults-dlq-${Date.now()}` });
  const ids = new Set<string>();
  const perId = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic: Topics.oneRequestDlq, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = message.headers?.['request-id']?.toString() ?? message.key?.toString();
      if (!id) return;
      ids.add(id);
      perId.set(id, (perId.get(id) ?? 0) + 1);
    },
  });
  return { ids, perId, stop: () => consumer.disconnect() };
}
