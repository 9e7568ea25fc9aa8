-- migrate:up
-- AlterTable
ALTER TABLE "sessions" ADD COLUMN "locale" TEXT;

-- migrate:down
-- Not reversible automatically: restore from a backup.
