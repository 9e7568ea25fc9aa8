-- migrate:up
-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "transcript_requested_at" TIMESTAMPTZ(3);

-- migrate:down
-- Not reversible automatically: restore from a backup.
