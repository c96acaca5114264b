// The delivery store in PostgreSQL. claim and finish run once per chunk, and at a trickle a chunk
// is one message: they go straight to node-postgres as one parameterised statement each, without
// Prisma's query layer around them (its CPU and the ~60 MiB its query compiler keeps resident once
// loaded; docs/benchmarks/analysis.md). The occasional typed read (replay) keeps Prisma.
import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import {
  combinePerId,
  type DeliveryRecord,
  type DeliveryStore,
  type FinishedDelivery,
} from './delivery-store.js';

const RECORD_FIELDS = {
  requestId: true,
  status: true,
  attempts: true,
  deliveredAt: true,
  lastError: true,
  deadLetterReason: true,
  deadLetteredFrom: true,
} as const;

// Insert the ids not seen before and read every id's row, in one round trip. The second SELECT sees
// the table as it was before the INSERT (one snapshot per statement), so every id comes back once.
const CLAIM = `
  WITH inserted AS (
    INSERT INTO "delivery" ("request_id", "first_seen_at", "updated_at")
    SELECT id, $2, $2 FROM unnest($1::text[]) AS id
    ON CONFLICT ("request_id") DO NOTHING
    RETURNING "request_id", "status", "attempts", "delivered_at", "last_error", "dead_letter_reason", "dead_lettered_from"
  )
  SELECT "request_id" AS "requestId", "status"::text AS "status", "attempts", "delivered_at" AS "deliveredAt",
    "last_error" AS "lastError", "dead_letter_reason" AS "deadLetterReason", "dead_lettered_from" AS "deadLetteredFrom"
  FROM inserted
  UNION ALL
  SELECT "request_id", "status"::text, "attempts", "delivered_at", "last_error", "dead_letter_reason", "dead_lettered_from"
  FROM "delivery"
  WHERE "request_id" = ANY($1::text[])`;

// One statement for the whole chunk; Prisma's typed API would need one UPDATE per row. DELIVERED
// never moves backwards: a FAILED outcome from a late or concurrent handling (after a rebalance)
// only adds its calls to the count. Ids are unique in the input (combinePerId): with a repeated id
// an UPDATE … FROM would apply one of its rows, which one undefined.
const FINISH = `
  UPDATE "delivery" AS d SET
    "status" = CASE WHEN d."status" = 'DELIVERED' THEN d."status" ELSE o.status::"DeliveryStatus" END,
    "attempts" = d."attempts" + o.attempts,
    "third_party_status" = CASE WHEN d."status" = 'DELIVERED' THEN d."third_party_status" ELSE o.third_party_status END,
    "last_error" = CASE WHEN d."status" = 'DELIVERED' THEN d."last_error" ELSE o.last_error END,
    "delivered_at" = CASE
      WHEN d."status" = 'DELIVERED' THEN d."delivered_at"
      WHEN o.status = 'DELIVERED' THEN o.at
      ELSE d."delivered_at" END,
    "dead_letter_reason" = CASE WHEN d."status" = 'DELIVERED' THEN NULL ELSE o.dead_letter_reason END,
    "dead_lettered_from" = CASE WHEN d."status" = 'DELIVERED' THEN NULL ELSE o.dead_lettered_from END,
    "updated_at" = o.at
  FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::timestamptz[], $7::text[], $8::text[])
    AS o(request_id, status, attempts, third_party_status, last_error, at, dead_letter_reason, dead_lettered_from)
  WHERE d."request_id" = o.request_id`;

export function createPostgresDeliveryStore({
  prisma,
  pool,
}: {
  prisma: PrismaClient;
  pool: pg.Pool;
}): DeliveryStore {
  return {
    async claim(requestIds, seenAt) {
      if (requestIds.length === 0) return new Map();
      const { rows } = await pool.query<DeliveryRecord>(CLAIM, [[...requestIds], seenAt]);
      return new Map(rows.map((row): [string, DeliveryRecord] => [row.requestId, row]));
    },

    async finish(outcomes) {
      if (outcomes.length === 0) return;
      const deliveries = combinePerId(outcomes);
      const column = <T>(pick: (delivery: FinishedDelivery) => T) => deliveries.map(pick);
      await pool.query(FINISH, [
        column((d) => d.requestId),
        column((d) => d.status),
        column((d) => d.attempts),
        column((d) => d.thirdPartyStatus),
        column((d) => d.lastError),
        column((d) => d.at.toISOString()),
        column((d) => d.deadLetter?.reason ?? null),
        column((d) => d.deadLetter?.from ?? null),
      ]);
    },

    async find(requestId) {
      const row = await prisma.delivery.findUnique({ where: { requestId }, select: RECORD_FIELDS });
      return row ?? undefined;
    },

    async ping() {
      await pool.query('SELECT 1');
    },
  };
}
