import type { PrismaClient } from '../generated/prisma/client.js';
import type { DeliveryRecord, DeliveryStore, FinishedDelivery } from './delivery-store.js';

const RECORD_FIELDS = { requestId: true, status: true, attempts: true, deliveredAt: true } as const;

export function createPrismaDeliveryStore(prisma: PrismaClient): DeliveryStore {
  return {
    async claim(requestIds, seenAt) {
      if (requestIds.length === 0) return new Map();
      // One round trip: insert the ids not seen before, and read every id's row.
      const rows = await prisma.$queryRaw<DeliveryRecord[]>`
        WITH inserted AS (
          INSERT INTO "delivery" ("request_id", "first_seen_at", "updated_at")
          SELECT id, ${seenAt}, ${seenAt} FROM unnest(${[...requestIds]}::text[]) AS id
          ON CONFLICT ("request_id") DO NOTHING
          RETURNING "request_id", "status", "attempts", "delivered_at"
        )
        SELECT "request_id" AS "requestId", "status"::text AS "status", "attempts", "delivered_at" AS "deliveredAt" FROM inserted
        UNION ALL
        SELECT "request_id", "status"::text, "attempts", "delivered_at" FROM "delivery"
        WHERE "request_id" = ANY(${[...requestIds]}::text[])`;
      // The second SELECT sees the table as it was before the INSERT (one snapshot per statement),
      // so every id comes back exactly once.
      return new Map(rows.map((row): [string, DeliveryRecord] => [row.requestId, row]));
    },

    async finish(deliveries) {
      if (deliveries.length === 0) return;
      // One statement for the whole chunk; Prisma's typed API would need one UPDATE per row.
      const column = <T>(pick: (delivery: FinishedDelivery) => T) => deliveries.map(pick);
      await prisma.$executeRaw`
        UPDATE "delivery" AS d SET
          "status" = o.status::"DeliveryStatus",
          "attempts" = d."attempts" + o.attempts,
          "third_party_status" = o.third_party_status,
          "last_error" = o.last_error,
          "delivered_at" = CASE WHEN o.status = 'DELIVERED' THEN o.at ELSE d."delivered_at" END,
          "updated_at" = o.at
        FROM unnest(
          ${column((d) => d.requestId)}::text[],
          ${column((d) => d.status)}::text[],
          ${column((d) => d.attempts)}::int[],
          ${column((d) => d.thirdPartyStatus)}::int[],
          ${column((d) => d.lastError)}::text[],
          ${column((d) => d.at.toISOString())}::timestamptz[]
        ) AS o(request_id, status, attempts, third_party_status, last_error, at)
        WHERE d."request_id" = o.request_id`;
    },

    async find(requestId) {
      const row = await prisma.delivery.findUnique({ where: { requestId }, select: RECORD_FIELDS });
      return row ?? undefined;
    },

    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
  };
}
