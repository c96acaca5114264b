-- CreateTable
CREATE TABLE "dead_letter_replay" (
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "request_id" TEXT,
    "outcome" TEXT NOT NULL,
    "replayed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letter_replay_pkey" PRIMARY KEY ("topic","partition","offset")
);
