// two killed with SIGKILL in the middle of a load, then started again: offsets were committed only
// after handling, so everything is delivered; the delivery store keeps the replay from the last
// committed offset from calling the third party twice for what was already delivered.
import { awaitDeliveries } from './delivery-audit.js';
import { pause, type Drill } from './drill.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

export const twoCrash: Drill = async ({ system, quick, log }) => {
  const load = steadyLoad(system.oneUrl, quick ? 30 : 50);
  await pause(4_000);
  log(`SIGKILL two (pid ${system.two.pid})`);
  await system.two.kill();
  await pause(3_000);
  system.two = await system.startTwo();
  log(`two started again (pid ${system.two.pid})`);
  await pause(quick ? 3_000 : 10_000);
  const answers = await load.stop();
  const ids = acceptedIds(answers);
  const counts = await awaitDeliveries(system.stub, ids, { timeoutMs: 180_000 });
  return {
    pass: counts.lost === 0 && counts.duplicated === 0 && ids.length > 0,
    rule: 'every 201 delivered (lost = 0), none answered 200 twice by the third party (duplicated = 0)',
    counts: { sent: answers.length, ...counts },
  };
};
