-- migrate:up
-- AlterTable
ALTER TABLE "visitors" ADD COLUMN "context" JSONB;

-- migrate:down
-- Not reversible automatically: restore from a backup.
