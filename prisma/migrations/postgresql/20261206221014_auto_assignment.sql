-- migrate:up
-- AlterTable
ALTER TABLE "widget_settings" ADD COLUMN     "agent_capacity" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "auto_assign" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "agent_presence" ADD COLUMN     "last_assigned_at" TIMESTAMPTZ(3);

-- migrate:down
-- Not reversible automatically: restore from a backup.
