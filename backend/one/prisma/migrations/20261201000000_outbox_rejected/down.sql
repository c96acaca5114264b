-- Rolls back 20261201000000_outbox_rejected: drops the column migration.sql added.
-- DATA LOSS: which messages the broker refused is forgotten; their requests stay FAILED with the
-- reason in last_error. Roll the code back first: the relay of this release reads the column.
ALTER TABLE "outbox" DROP COLUMN "rejected_at";
