// two_dead_letters_unreplayed: dead letters still on the dead-letter topic that `make replay` has
// not dealt with — the topic's retained messages (high minus low watermark, per partition) minus
// the replay records for offsets still retained (src/replay/replay-records.ts). Like the consumer
// lag, it is refreshed on an interval and the gauge reports the cached number: a scrape (or an
// OTLP export) never waits on Kafka or PostgreSQL.
import type { Meter } from '@opentelemetry/api';
import type { Admin } from '@pkg/kafka';
import { refreshOnInterval, type RefreshedCache } from './refreshed-cache.js';
import type { ReplayRecords } from '../replay/replay-records.js';

export interface DeadLetterDepthOptions {
  meter: Meter;
  admin: Pick<Admin, 'connect' | 'disconnect' | 'fetchTopicOffsets'>;
  replays: Pick<ReplayRecords, 'countRecorded'>;
  topic: string;
  refreshIntervalMs: number;
}

export interface DeadLetterDepth extends RefreshedCache {
  /** Refreshes the cache once and returns the number (undefined when Kafka or the database failed). */
  refresh(): Promise<number | undefined>;
}

export function observeDeadLetterDepth({
  meter,
  admin,
  replays,
  topic,
  refreshIntervalMs,
}: DeadLetterDepthOptions): DeadLetterDepth {
  let depth: number | undefined;

  meter
    .createObservableGauge('two.dead_letters.unreplayed', {
      description:
        'Dead letters on the dead-letter topic that make replay has not replayed (or skipped as delivered)',
    })
    .addCallback((result) => {
      if (depth !== undefined) result.observe(depth, { topic });
    });

  const refresh = async () => {
    try {
      const retained = await admin.fetchTopicOffsets(topic);
      const total = retained.reduce((sum, { low, high }) => sum + Math.max(0, Number(high) - Number(low)), 0);
      const recorded = await replays.countRecorded(topic, retained);
      depth = Math.max(0, total - recorded);
    } catch {
      // Kafka or PostgreSQL out of reach: report nothing rather than a stale number.
      depth = undefined;
    }
    return depth;
  };

  return { ...refreshOnInterval(admin, refresh, refreshIntervalMs), refresh };
}
