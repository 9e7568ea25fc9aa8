-- migrate:up
-- AlterTable
ALTER TABLE "admin_users" ADD COLUMN "capacity" INTEGER;

-- migrate:down
-- Not reversible automatically: restore from a backup.
