-- Rolls back 20250601000000_init: drops what migration.sql created, in reverse order.
-- DATA LOSS: every request and every unpublished outbox message goes with the tables.
-- DropTable (drops the outbox → requests foreign key with it)
DROP TABLE "outbox";

-- DropTable
DROP TABLE "requests";

-- DropEnum
DROP TYPE "RequestStatus";
