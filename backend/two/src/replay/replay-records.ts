// What `make replay` did with each dead letter, in two's database (table dead_letter_replay). The
// dead letters themselves stay on their topic as the record of what failed; these rows say which
// of them were dealt with, so two_dead_letters_unreplayed can count the ones still waiting.
import type pg from 'pg';

export type ReplayOutcome = 'replayed' | 'skipped-delivered';

export interface ReplayRecord {
  topic: string;
  partition: number;
  offset: string;
  requestId: string | null;
  outcome: ReplayOutcome;
  at: Date;
}

/** The offsets a partition still holds: [low, high). */
export interface RetainedOffsets {
  partition: number;
  low: string;
  high: string;
}

export interface ReplayRecords {
  /** Remembers what was done with a dead letter; the latest outcome wins when it is replayed again. */
  record(record: ReplayRecord): Promise<void>;
  /** Dead letters of `topic` with a record, among the offsets each partition still holds. */
  countRecorded(topic: string, retained: readonly RetainedOffsets[]): Promise<number>;
}

const RECORD = `
  INSERT INTO "dead_letter_replay" ("topic", "partition", "offset", "request_id", "outcome", "replayed_at")
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT ("topic", "partition", "offset")
  DO UPDATE SET "outcome" = EXCLUDED."outcome", "replayed_at" = EXCLUDED."replayed_at"`;

// Records of dead letters that retention has since deleted from the topic are not counted.
const COUNT_RECORDED = `
  SELECT count(*)::int AS recorded
  FROM "dead_letter_replay" r
  JOIN unnest($2::int[], $3::bigint[], $4::bigint[]) AS t(partition, low, high)
    ON r."partition" = t.partition AND r."offset" >= t.low AND r."offset" < t.high
  WHERE r."topic" = $1`;

export function createPostgresReplayRecords(pool: pg.Pool): ReplayRecords {
  return {
    async record({ topic, partition, offset, requestId, outcome, at }) {
      await pool.query(RECORD, [topic, partition, offset, requestId, outcome, at]);
    },
    async countRecorded(topic, retained) {
      if (retained.length === 0) return 0;
      const { rows } = await pool.query<{ recorded: number }>(COUNT_RECORDED, [
        topic,
        retained.map((r) => r.partition),
        retained.map((r) => r.low),
        retained.map((r) => r.high),
      ]);
      return rows[0]?.recorded ?? 0;
    },
  };
}
