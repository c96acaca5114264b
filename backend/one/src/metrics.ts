// Service one's instruments, all through the OpenTelemetry API (exposed on /metrics by @pkg/otel).
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { OutboxBacklog } from './outbox/outbox-store.js';

export interface OneMetrics {
  httpDuration: Histogram;
  requestsAccepted: Counter;
  requestsRejected: Counter;
  requestsFailed: Counter;
  outboxPublished: Counter;
  outboxPublishFailures: Counter;
  outboxRejected: Counter;
  outboxPublishDuration: Histogram;
  outboxPublishLatency: Histogram;
  resultsApplied: Counter;
}

/** Latency buckets in seconds, dense where an HTTP API on a LAN lives (1–100 ms). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Waiting in the outbox spans milliseconds (the relay is woken per commit) to minutes (Kafka down). */
const OUTBOX_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * `readBacklog` feeds the two gauges to alert on: readiness stays green through a Kafka outage (the
 * outbox absorbs it), so a growing backlog age is how an outage, or a relay that stopped moving,
 * shows. Both come from one query per collection.
 */
export function createOneMetrics(meter: Meter, readBacklog: () => Promise<OutboxBacklog>): OneMetrics {
  const backlog = meter.createObservableGauge('one.outbox.backlog', {
    description: 'Outbox messages not yet published to Kafka (rejected ones excluded)',
  });
  const backlogAge = meter.createObservableGauge('one.outbox.backlog.age', {
    description: 'Age of the oldest outbox message not yet published; 0 when none is waiting',
    unit: 's',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      try {
        const { pending, oldestAgeSeconds } = await readBacklog();
        result.observe(backlog, pending);
        result.observe(backlogAge, oldestAgeSeconds);
      } catch {
        // Database out of reach: no sample beats a wrong one; /readyz reports the outage.
      }
    },
    [backlog, backlogAge],
  );
  return {
    httpDuration: meter.createHistogram('http.server.request.duration', {
      description: 'Duration of HTTP requests by route and status',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    }),
    requestsAccepted: meter.createCounter('one.requests.accepted', { description: 'POST /one answered 201' }),
    requestsRejected: meter.createCounter('one.requests.rejected', {
      description: 'POST /one refused with a 4xx, by reason',
    }),
    requestsFailed: meter.createCounter('one.requests.failed', {
      description: 'POST /one that could not be stored (5xx), by reason',
    }),
    outboxPublished: meter.createCounter('one.outbox.published', {
      description: 'Outbox messages published',
    }),
    outboxPublishFailures: meter.createCounter('one.outbox.publish.failures', {
      description: 'Outbox messages whose publish attempt failed (they stay pending)',
    }),
    outboxRejected: meter.createCounter('one.outbox.rejected', {
      description: 'Outbox messages Kafka refused as too large on their own (their requests are FAILED)',
    }),
    outboxPublishDuration: meter.createHistogram('one.outbox.publish.duration', {
      description: 'Time for Kafka to acknowledge one outbox batch',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    }),
    outboxPublishLatency: meter.createHistogram('one.outbox.publish.latency', {
      description: 'Outbox row created (request accepted) to Kafka acknowledgement, per message',
      unit: 's',
      advice: { explicitBucketBoundaries: OUTBOX_LATENCY_BUCKETS },
    }),
    resultsApplied: meter.createCounter('one.results.received', {
      description: 'three-result events handled, by outcome (applied, stale, unknown, invalid)',
    }),
  };
}

/**
 * Records, per acknowledged message, how long it waited since its outbox row was created. The row is
 * written in the same statement as the request, with the event's `accepted_at` as its created_at,
 * so the payload carries the row's creation time.
 */
export function recordPublishLatency(
  metrics: Pick<OneMetrics, 'outboxPublishLatency'>,
  payloads: readonly unknown[],
  now: Date,
): void {
  for (const payload of payloads) {
    const acceptedAt = (payload as { accepted_at?: unknown } | null)?.accepted_at;
    if (typeof acceptedAt !== 'string') continue;
    const waited = (now.getTime() - Date.parse(acceptedAt)) / 1_000;
    if (Number.isFinite(waited)) metrics.outboxPublishLatency.record(Math.max(0, waited));
  }
}
