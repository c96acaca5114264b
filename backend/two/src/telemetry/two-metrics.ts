// Service two's instruments, through the OpenTelemetry API. Names and labels are the contract with
// the dashboards: observability/metrics.md (instrument `two.handler.duration`, unit `s` → Prometheus
// `two_handler_duration_seconds`). Built from an injected Meter, so every test gets its own.
import type { Meter } from '@opentelemetry/api';

export type MessageOutcome = 'delivered' | 'duplicate' | 'dead_lettered' | 'invalid';

export interface TwoMetrics {
  /** One per consumed message; `acceptedAt` (one's accepted_at) also feeds the end-to-end latency of a delivery. */
  messageHandled(outcome: MessageOutcome, durationMs: number, acceptedAt?: string): void;
  retried(): void;
  /** A delivery waits for an outage to pass without spending an attempt (open breaker, token server down). */
  deliveryPaused(reason: 'circuit-open' | 'token-unavailable'): void;
  tokenFetched(outcome: 'success' | 'failure'): void;
  deadLettered(reason: string): void;
  /** One POST /three attempt; `status` is absent when no answer came (timeout, network). */
  thirdPartyCalled(durationMs: number, status?: number): void;
}

/** Seconds; a handling includes token, retries with backoff and the third-party call. */
const HANDLING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; end to end adds the outbox wait and Kafka, up to minutes during an outage. */
const END_TO_END_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createTwoMetrics(meter: Meter, clock: () => Date = () => new Date()): TwoMetrics {
  const handled = meter.createCounter('two.messages.handled', {
    description: 'one-request messages handled, by outcome',
  });
  const duration = meter.createHistogram('two.handler.duration', {
    description: 'Message taken to outcome decided, token, retries and third-party call included',
    unit: 's',
    advice: { explicitBucketBoundaries: HANDLING_BUCKETS },
  });
  const endToEnd = meter.createHistogram('two.end_to_end.latency', {
    description: "one's accepted_at to two's successful delivery: outbox wait + Kafka + handling",
    unit: 's',
    advice: { explicitBucketBoundaries: END_TO_END_BUCKETS },
  });
  const retries = meter.createCounter('two.retries', { description: 'Extra attempts at POST /three' });
  const pauses = meter.createCounter('two.delivery.pauses', {
    description:
      'Waits for an outage to pass that spent no attempt, by reason (circuit-open, token-unavailable)',
  });
  const tokenFetches = meter.createCounter('two.token_fetches', {
    description: 'Requests for an access token (cache misses and 401 refreshes), by outcome',
  });
  const deadLetters = meter.createCounter('two.dead_letters', {
    description: 'Messages sent to the dead-letter topic, by reason',
  });
  const thirdParty = meter.createHistogram('two.third_party.duration', {
    description: 'Each POST /three attempt as seen by two',
    unit: 's',
    advice: { explicitBucketBoundaries: HANDLING_BUCKETS },
  });
  return {
    messageHandled(outcome, durationMs, acceptedAt) {
      handled.add(1, { outcome });
      duration.record(durationMs / 1000, { outcome });
      const accepted = acceptedAt === undefined ? Number.NaN : Date.parse(acceptedAt);
      if (outcome === 'delivered' && Number.isFinite(accepted))
        endToEnd.record(Math.max(0, clock().getTime() - accepted) / 1000);
    },
    retried: () => retries.add(1),
    deliveryPaused: (reason) => pauses.add(1, { reason }),
    tokenFetched: (outcome) => tokenFetches.add(1, { outcome }),
    deadLettered: (reason) => deadLetters.add(1, { reason }),
    thirdPartyCalled: (durationMs, status) =>
      thirdParty.record(
        durationMs / 1000,
        status === undefined ? { 'error.type': 'no_response' } : { 'http.response.status_code': status },
      ),
  };
}
