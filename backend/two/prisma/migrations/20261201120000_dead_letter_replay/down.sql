-- Rolls back 20261201120000_dead_letter_replay: drops the table migration.sql created.
-- DATA LOSS: the record of which dead letters were replayed goes, so two_dead_letters_unreplayed
-- counts every dead letter still on the topic again. Roll the code back first: replay of this
-- release writes to the table.
-- DropTable
DROP TABLE "dead_letter_replay";
