-- A message the broker refuses for good (larger than it accepts on its own) leaves the queue
-- instead of blocking it: the relay claims only rows that are neither published nor rejected.
ALTER TABLE "outbox" ADD COLUMN "rejected_at" TIMESTAMPTZ(3);
