// two_consumer_lag: per partition, the topic's high watermark minus the group's committed offset.
// Asking the broker costs two admin requests, so the numbers are refreshed on an interval and the
// gauge reports the cached ones: a scrape (or an OTLP export) never waits on Kafka.
import type { Meter } from '@opentelemetry/api';
import type { Admin } from '@pkg/kafka';
import { refreshOnInterval, type RefreshedCache } from './refreshed-cache.js';

export interface ConsumerLagOptions {
  meter: Meter;
  admin: Pick<Admin, 'connect' | 'disconnect' | 'fetchTopicOffsets' | 'fetchOffsets'>;
  groupId: string;
  topic: string;
  refreshIntervalMs: number;
}

export interface ConsumerLag extends RefreshedCache {
  /** Refreshes the cache once; exported for tests. */
  refresh(): Promise<void>;
}

export function observeConsumerLag({
  meter,
  admin,
  groupId,
  topic,
  refreshIntervalMs,
}: ConsumerLagOptions): ConsumerLag {
  let lagByPartition = new Map<number, number>();

  meter
    .createObservableGauge('two.consumer.lag', {
      description: `Messages on the topic not yet committed by the consumer group, per partition`,
    })
    .addCallback((result) => {
      for (const [partition, lag] of lagByPartition) result.observe(lag, { topic, partition });
    });

  const refresh = async () => {
    try {
      const [watermarks, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const committedByPartition = new Map(
        (committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((p) => [
          p.partition,
          Number(p.offset),
        ]),
      );
      const next = new Map<number, number>();
      for (const { partition, high, low } of watermarks) {
        // -1: the group has committed nothing on this partition yet; everything still retained counts.
        const position = committedByPartition.get(partition) ?? -1;
        next.set(partition, Math.max(0, Number(high) - (position < 0 ? Number(low) : position)));
      }
      lagByPartition = next;
    } catch {
      // Broker out of reach: report nothing rather than a stale number; readiness shows the outage.
      lagByPartition = new Map();
    }
  };

  return { ...refreshOnInterval(admin, refresh, refreshIntervalMs), refresh };
}
