// two sent SIGTERM while requests wait out a long Retry-After, under load: a tenth of the calls are
// answered 503 with `Retry-After: 30` (two's cap), so chunks are held with most of their requests
// delivered and some waiting. The stop must cut the waits short, store what was delivered and exit 0
// within its bound (the lifecycle exits 1 past `shutdownTimeoutMs`); after the restart the waiting
// requests are delivered and no request delivered before the SIGTERM is called again.
import { auditDeliveries, AUDIT_RULE, auditPasses } from './delivery-audit.js';
import { pause, type Drill } from './drill.js';
import { acceptedIds, steadyLoad } from './steady-load.js';

const RETRY_AFTER_S = 30;

export const twoSigtermRetryAfter: Drill = async ({ system, quick, log }) => {
  const load = steadyLoad(system.oneUrl, 20);
  try {
    await pause(3_000);
    await system.stub.setRetryAfter(RETRY_AFTER_S);
    await system.stub.setFailRate(0.1);
    await pause(quick ? 5_000 : 10_000);
    log(
      `SIGTERM to two (pid ${system.two.pid}) while 503s with Retry-After ${RETRY_AFTER_S} s are waited out`,
    );
    const sigtermAt = performance.timeOrigin + performance.now();
    await system.two.stop(); // SIGTERM; SIGKILL only after 15 s, and then there is no exit code
    const exitCode = system.two.exitCode();
    await system.stub.setFailRate(0);
    await system.stub.setRetryAfter(0);
    system.two = await system.startTwo();
    log(`two started again (pid ${system.two.pid})`);
    await pause(quick ? 3_000 : 10_000);
    const ids = acceptedIds(await load.stop());
    const counts = await auditDeliveries(system, ids, { timeoutMs: 180_000 });
    const calls = await system.stub.calls();
    // First called before the SIGTERM and without a 200 by then: waiting (or in flight) at the stop.
    const waitingAtSigterm = ids.filter((id) => {
      const entry = calls.byKey[id];
      return entry && entry.firstCallAt < sigtermAt && (entry.firstOkAt ?? Infinity) > sigtermAt;
    }).length;
    const deliveredBeforeSigterm = ids.filter((id) => (calls.byKey[id]?.firstOkAt ?? Infinity) < sigtermAt);
    const deliveredBeforeAndCalledAgain = deliveredBeforeSigterm.filter(
      (id) => (calls.byKey[id]?.ok ?? 0) > 1,
    ).length;
    return {
      pass:
        ids.length > 0 &&
        exitCode === 0 &&
        waitingAtSigterm > 0 &&
        deliveredBeforeAndCalledAgain === 0 &&
        auditPasses(counts),
      rule:
        `${AUDIT_RULE}; two exits 0 on SIGTERM (1 past its stop bound; none when killed after 15 s); ` +
        'requests were waiting out a Retry-After at the SIGTERM (waitingAtSigterm > 0); none delivered ' +
        'before the SIGTERM is called again after the restart',
      counts: {
        exitCode: exitCode ?? 'killed',
        retryAfterSeconds: RETRY_AFTER_S,
        ...counts,
        waitingAtSigterm,
        deliveredBeforeSigterm: deliveredBeforeSigterm.length,
        deliveredBeforeAndCalledAgain,
      },
    };
  } finally {
    await load.stop();
    await system.stub.setFailRate(0);
    await system.stub.setRetryAfter(0);
  }
};
