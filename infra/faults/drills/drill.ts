import kafkajs from 'kafkajs';
import type { SystemUnderTest } from '../../bench/harness/system-under-test.js';

export interface DrillResult {
  drill: string;
  pass: boolean;
  /** What was counted; the pass/fail rule is in `rule`. */
  counts: Record<string, number | string | boolean>;
  rule: string;
  seconds: number;
}

export interface DrillContext {
  system: SystemUnderTest;
  quick: boolean;
  log: (line: string) => void;
}

export type Drill = (context: DrillContext) => Promise<Omit<DrillResult, 'seconds' | 'drill'>>;

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the private Kafka again, then waits for two to be ready. After a broker restart kafkajs
 * can give up on two's consumer for good ("Failed to find group coordinator" is not retried), and
 * two stays not ready — a fault of two's, not of the drill's subject. Then two is restarted and the
 * result says so, so the drill's counts show it instead of hiding it.
 */
export async function startKafkaAgain({ system, log }: Pick<DrillContext, 'system' | 'log'>) {
  await system.infra.startKafka();
  const twoUrl = `${system.twoUrl}/readyz`;
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const status = await fetch(twoUrl, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { twoRestartedAfterKafka: false };
    await pause(1_000);
  }
  log('two is still not ready 60 s after Kafka returned (its consumer gave up); restarting two');
  await system.two.stop();
  system.two = await system.startTwo();
  return { twoRestartedAfterKafka: true };
}

/** A kafkajs client for a drill's own reads and writes, silent so the drill's output stays its own. */
export function drillKafka(broker: string, clientId: string): kafkajs.Kafka {
  return new kafkajs.Kafka({ clientId, brokers: [broker], logLevel: kafkajs.logLevel.NOTHING });
}
