-- Rolls back 20261121000000_create_delivery: drops what migration.sql created, in reverse order.
-- DATA LOSS: the delivery records go, and with them two's memory of which requests it already
-- delivered (a message redelivered afterwards is sent to the third party again).
-- DropTable
DROP TABLE "delivery";

-- DropEnum
DROP TYPE "DeliveryStatus";
