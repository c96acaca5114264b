// Readiness: may this instance take traffic? PostgreSQL answers, the Kafka producer is connected,
// and we are not shutting down. Each check is bounded so /readyz answers within a second.
export type CheckResult = 'up' | 'down';

export interface ReadinessOptions {
  checkDatabase: () => Promise<void>;
  isKafkaConnected: () => boolean;
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
  isKafkaConnected,
  isShuttingDown,
  timeoutMs = 800,
}: ReadinessOptions): Readiness {
  return async () => {
    const database = await bounded(checkDatabase(), timeoutMs);
    const checks = {
      database: database ? 'up' : 'down',
      kafka: isKafkaConnected() ? 'up' : 'down',
      shutdown: isShuttingDown() ? 'down' : 'up',
    } as const;
    return { ready: Object.values(checks).every((check) => check === 'up'), checks };
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
