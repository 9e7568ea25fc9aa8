-- migrate:up
-- AlterEnum
ALTER TYPE "MessageStatus" ADD VALUE 'stopped';

-- migrate:down
-- Not reversible automatically: restore from a backup.
