import type { Meter } from '@opentelemetry/api';

export type MessageOutcome = 'delivered' | 'duplicate' | 'dead-lettered' | 'invalid';

/** The instruments two records; built from an injected Meter so every test gets its own. */
export interface TwoMetrics {
  messageHandled(outcome: MessageOutcome, durationMs: number): void;
  retried(): void;
  tokenFetched(outcome: 'success' | 'failure'): void;
  deadLettered(reason: string): void;
}

export function createTwoMetrics(meter: Meter): TwoMetrics {
  const handled = meter.createCounter('two_messages_handled', {
    description: 'one-request messages handled, by outcome',
  });
  const duration = meter.createHistogram('two_handler_duration_seconds', {
    description: 'Time from taking a message to its outcome, retries included',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
  });
  const retries = meter.createCounter('two_third_party_retries', { description: 'Retried calls to /three' });
  const tokenFetches = meter.createCounter('two_token_fetches', {
    description: 'Requests for an access token (not counting retries within one), by outcome',
  });
  const deadLetters = meter.createCounter('two_dead_letters', {
    description: 'Messages dead-lettered, by reason',
  });
  return {
    messageHandled(outcome, durationMs) {
      handled.add(1, { outcome });
      duration.record(durationMs / 1000, { outcome });
    },
    retried: () => retries.add(1),
    tokenFetched: (outcome) => tokenFetches.add(1, { outcome }),
    deadLettered: (reason) => deadLetters.add(1, { reason }),
  };
}
