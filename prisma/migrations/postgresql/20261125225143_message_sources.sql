-- migrate:up
-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "sources" JSONB NOT NULL DEFAULT '[]';

-- migrate:down
-- Not reversible automatically: restore from a backup.
