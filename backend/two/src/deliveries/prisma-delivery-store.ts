import type { PrismaClient } from '../generated/prisma/client.js';
import type { DeliveryRecord, DeliveryStore, FinishedDelivery } from './delivery-store.js';

const RECORD_FIELDS = { requestId: true, status: true, attempts: true, deliveredAt: true } as const;

export function createPrismaDeliveryStore(prisma: PrismaClient): DeliveryStore {
  return {
    async claim(requestIds, seenAt) {
      if (requestIds.length === 0) return new Map();
      await prisma.delivery.createMany({
        data: requestIds.map((requestId) => ({ requestId, firstSeenAt: seenAt })),
        skipDuplicates: true,
      });
      const rows = await prisma.delivery.findMany({
        where: { requestId: { in: [...requestIds] } },
        select: RECORD_FIELDS,
      });
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
