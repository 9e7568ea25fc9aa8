-- migrate:up
-- AlterTable
ALTER TABLE "sessions" ADD COLUMN "transcript_requested_at" DATETIME;

-- migrate:down
-- Not reversible automatically: restore from a backup.
