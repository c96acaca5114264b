-- Rolls back 20261201000000_delivery_dead_letter: drops the two columns migration.sql added.
-- DATA LOSS: the reason and origin of each stored dead letter are forgotten, so a message that comes
-- back after a failed publish can no longer be re-sent to the dead-letter topic without calling the
-- third party again. Roll the code back first: two of this release reads both columns.
ALTER TABLE "delivery" DROP COLUMN "dead_letter_reason",
DROP COLUMN "dead_lettered_from";
