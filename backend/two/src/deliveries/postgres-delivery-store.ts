// The delivery store in PostgreSQL. claim and finish run once per chunk, and at a trickle a chunk
// is one message: they go straight to node-postgres as one parameterised statement each, without
// Prisma's query layer around them (its CPU and the ~60 MiB its query compiler keeps resident once
// loaded; docs/benchmarks/analysis.md). The occasional typed read (replay) keeps Prisma.
import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import {
  combinePerId,
  type ClaimedDelivery,
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

// Insert the ids not seen before with this owner's lease, take the lease of known ids that are not
// DELIVERED and whose lease is free, expired or ours, and read every id's row, in one round trip.
// ON CONFLICT DO UPDATE locks the row and checks its WHERE against the latest committed version, so
// two instances claiming one id at once cannot both get its lease. The second SELECT sees the table
// as it was before this statement (one snapshot per statement): it returns only the ids the upsert
// did not, each once — except an id another instance inserted while this statement ran: its row is
// in neither part, and the caller takes it as leased by that instance. Ids are locked in order, so
// two overlapping claims cannot deadlock.
const CLAIM = `
  WITH leased AS (
    INSERT INTO "delivery" ("request_id", "first_seen_at", "updated_at", "lease_owner", "lease_until")
    SELECT id, $2, $2, $3, clock_timestamp() + $4 * interval '1 millisecond'
    FROM unnest($1::text[]) AS id ORDER BY id
    ON CONFLICT ("request_id") DO UPDATE SET
      "lease_owner" = EXCLUDED."lease_owner", "lease_until" = EXCLUDED."lease_until"
      WHERE "delivery"."status" <> 'DELIVERED'
        AND ("delivery"."lease_until" IS NULL OR "delivery"."lease_until" < clock_timestamp()
          OR "delivery"."lease_owner" = EXCLUDED."lease_owner")
    RETURNING "request_id", "status", "attempts", "delivered_at", "last_error", "dead_letter_reason", "dead_lettered_from"
  )
  SELECT "request_id" AS "requestId", "status"::text AS "status", "attempts", "delivered_at" AS "deliveredAt",
    "last_error" AS "lastError", "dead_letter_reason" AS "deadLetterReason", "dead_lettered_from" AS "deadLetteredFrom",
    true AS "leased"
  FROM leased
  UNION ALL
  SELECT "request_id", "status"::text, "attempts", "delivered_at", "last_error", "dead_letter_reason", "dead_lettered_from",
    false
  FROM "delivery"
  WHERE "request_id" = ANY($1::text[]) AND "request_id" NOT IN (SELECT "request_id" FROM leased)`;

const RENEW = `
  UPDATE "delivery" SET "lease_until" = clock_timestamp() + $3 * interval '1 millisecond'
  WHERE "request_id" = ANY($1::text[]) AND "lease_owner" = $2
  RETURNING "request_id" AS "requestId"`;

const RELEASE = `
  UPDATE "delivery" SET "lease_owner" = NULL, "lease_until" = NULL
  WHERE "request_id" = ANY($1::text[]) AND "lease_owner" = $2`;

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
    "updated_at" = o.at,
    "lease_owner" = CASE WHEN d."lease_owner" = $9 THEN NULL ELSE d."lease_owner" END,
    "lease_until" = CASE WHEN d."lease_owner" = $9 THEN NULL ELSE d."lease_until" END
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
    async claim(requestIds, seenAt, lease) {
      if (requestIds.length === 0) return new Map();
      const { rows } = await pool.query<ClaimedDelivery>(CLAIM, [
        [...requestIds],
        seenAt,
        lease.owner,
        lease.durationMs,
      ]);
      return new Map(rows.map((row): [string, ClaimedDelivery] => [row.requestId, row]));
    },

    async renew(requestIds, lease) {
      if (requestIds.length === 0) return new Set();
      const { rows } = await pool.query<{ requestId: string }>(RENEW, [
        [...requestIds],
        lease.owner,
        lease.durationMs,
      ]);
      return new Set(rows.map((row) => row.requestId));
    },

    async release(requestIds, owner) {
      if (requestIds.length === 0) return;
      await pool.query(RELEASE, [[...requestIds], owner]);
    },

    async finish(outcomes, owner) {
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
        owner ?? null,
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
