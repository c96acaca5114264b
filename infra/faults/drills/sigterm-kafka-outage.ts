// SIGTERM while Kafka is down and the outbox holds messages. Before the fix the relay's last round
// waited out the 10 s publish timeout, as long as the 10 s stop bound: exit 1. Now one must exit 0
// within the bound (shutdown.timeoutMs, default 10 s), and after a restart publish everything it
// had accepted.
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { pause, startKafkaAgain, type Drill } from './drill.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

/** one's default shutdown.timeoutMs; the drill runs one with its defaults. */
const STOP_BOUND_MS = 10_000;

export const sigtermKafkaOutage: Drill = async ({ system, log }) => {
  const load = steadyLoad(system.oneUrl, 10);
  await pause(2_000);
  log('stopping the private Kafka');
  await system.infra.stopKafka();
  await pause(5_000);
  const ids = acceptedIds(await load.stop());
  log(`SIGTERM one (pid ${system.one.pid}) with Kafka down`);
  const started = performance.now();
  // Past twice the bound the harness would SIGKILL: an exit code of null then says so.
  await system.one.stop(STOP_BOUND_MS * 2);
  const stopMs = Math.round(performance.now() - started);
  const exitCode = system.one.exitCode();
  system.one = await system.startOne();
  const { twoRestartedAfterKafka } = await startKafkaAgain({ system, log });
  log(`one exited ${exitCode} after ${stopMs} ms; restarted, Kafka is back`);
  const audit = await auditDeliveries(system, ids, { timeoutMs: 180_000 });
  return {
    // Exit 0 is the bound: the lifecycle exits 1 when the stop overruns it (stopMs is for the record).
    pass: exitCode === 0 && auditPasses(audit),
    rule: `exit 0 within the stop bound (${STOP_BOUND_MS} ms); after the restart: ${AUDIT_RULE}`,
    counts: {
      exitCode: exitCode ?? 'killed',
      stopMs,
      stopBoundMs: STOP_BOUND_MS,
      twoRestartedAfterKafka,
      ...audit,
    },
  };
};
