-- migrate:up
-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "completion_tokens" INTEGER,
ADD COLUMN     "prompt_tokens" INTEGER;

-- migrate:down
-- Not reversible automatically: restore from a backup.
