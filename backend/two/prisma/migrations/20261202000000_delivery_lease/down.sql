-- Rolls back 20261202000000_delivery_lease: drops the lease columns migration.sql added.
-- No delivery is lost, but deliveries in flight lose their lease: roll the code back first (two of
-- this release takes and renews leases), or an instance of it may call the third party for a
-- request another instance is calling for at the same moment.
ALTER TABLE "delivery" DROP COLUMN "lease_owner",
DROP COLUMN "lease_until";
