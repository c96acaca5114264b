// Readiness: may this instance take traffic? Yes while PostgreSQL answers and we are not shutting
// down. Kafka is reported but does not decide: a request that got 201 is committed with its outbox
// row, so one takes traffic through a Kafka outage and publishes when Kafka is back; taking every
// instance out of the load balancer then would turn a delay into refused requests. `kafka` says
// whether the last attempt to reach Kafka failed or the current one is stuck (kafka-publisher.ts);
// the outbox backlog gauges (one.outbox.backlog, one.outbox.backlog.age) are what to alert on.
// Each check is bounded so /readyz answers within a second.
export type CheckResult = 'up' | 'down';

export interface ReadinessOptions {
  checkDatabase: () => Promise<void>;
  kafkaState: () => CheckResult;
  isShuttingDown: () => boolean;
  timeoutMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { database: CheckResult; kafka: CheckResult; shutdown: CheckResult };
}

export type Readiness = () => Promise<ReadinessReport>;

export function createReadiness({
  checkDatabase,
  kafkaState,
  isShuttingDown,
  timeoutMs = 800,
}: ReadinessOptions): Readiness {
  return async () => {
    const database = await bounded(checkDatabase(), timeoutMs);
    const checks = {
      database: database ? 'up' : 'down',
      kafka: kafkaState(),
      shutdown: isShuttingDown() ? 'down' : 'up',
    } as const;
    return { ready: checks.database === 'up' && checks.shutdown === 'up', checks };
  };
}

async function bounded(check: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      check.then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
