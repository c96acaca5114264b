// two killed with SIGKILL in the middle of a load, then started again: offsets were committed only
// after handling, so everything is delivered; the delivery store keeps the replay from the last
// committed offset from calling the third party twice for what was already delivered.
//
// One window no consumer can close: a call the third party answered 200 just before the kill, whose
// outcome two had not stored yet. After the restart two cannot know it succeeded and calls again,
// with the same Idempotency-Key, which is what makes that safe at a third party that honours it.
// So the rule is not "no id was called twice" but "only ids whose call was in flight at the kill
// were called again": an id delivered well before the kill and called again would be a real bug.
import { auditDeliveries } from './delivery-audit.js';
import { pause, type Drill } from './drill.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

/** Longest time a 200 can wait for two to store it: one chunk of concurrent calls plus its bulk update. */
const IN_FLIGHT_WINDOW_MS = 5_000;

/** The stub answers /three this long after a call arrives while the kill lands: calls are in flight. */
const SLOW_ANSWER_MS = 1_500;

export const twoCrash: Drill = async ({ system, quick, log }) => {
  const load = steadyLoad(system.oneUrl, quick ? 30 : 50);
  await pause(4_000);
  await system.stub.setThreeDelay(SLOW_ANSWER_MS);
  await pause(SLOW_ANSWER_MS * 2);
  log(`SIGKILL two (pid ${system.two.pid}) while /three takes ${SLOW_ANSWER_MS} ms to answer`);
  const killedAt = Date.now();
  await system.two.kill();
  await system.stub.setThreeDelay(0);
  await pause(3_000);
  system.two = await system.startTwo();
  log(`two started again (pid ${system.two.pid})`);
  await pause(quick ? 3_000 : 10_000);
  const answers = await load.stop();
  const ids = acceptedIds(answers);
  const counts = await auditDeliveries(system, ids, { timeoutMs: 180_000 });
  const calls = await system.stub.calls();
  const recalled = ids.filter((id) => (calls.byKey[id]?.ok ?? 0) > 1);
  // Answered 200 by the stub but, at the kill, still on the wire (the stub records a call when it arrives).
  const inFlightAtKill = ids.filter((id) => {
    const at = calls.byKey[id]?.firstOkAt;
    return at !== null && at !== undefined && at > killedAt - SLOW_ANSWER_MS && at <= killedAt;
  }).length;
  const recalledAfterStoredDelivery = recalled.filter(
    (id) => (calls.byKey[id]?.firstOkAt ?? killedAt) < killedAt - IN_FLIGHT_WINDOW_MS,
  );
  return {
    pass:
      counts.lost === 0 &&
      recalledAfterStoredDelivery.length === 0 &&
      inFlightAtKill > 0 &&
      ids.length > 0 &&
      counts.statusMismatches === 0 &&
      counts.notPublished === 0 &&
      counts.publishedMoreThanOnce === 0,
    rule:
      'every 201 delivered (lost = 0); the kill lands while calls are in flight (inFlightAtKill > 0); an ' +
      'id is called again (same Idempotency-Key) only if its first successful call was in flight at the ' +
      `kill or waiting to be stored (within ${IN_FLIGHT_WINDOW_MS} ms before it); ` +
      "one's status matches the third party and one message on one-request per id",
    counts: {
      sent: answers.length,
      ...counts,
      inFlightAtKill,
      recalledInFlightAtKill: recalled.length - recalledAfterStoredDelivery.length,
      recalledAfterStoredDelivery: recalledAfterStoredDelivery.length,
    },
  };
};
