-- AlterTable
ALTER TABLE "delivery" ADD COLUMN     "dead_letter_reason" TEXT,
ADD COLUMN     "dead_lettered_from" TEXT;
