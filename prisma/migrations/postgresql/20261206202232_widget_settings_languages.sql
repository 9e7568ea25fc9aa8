-- migrate:up
-- AlterTable
ALTER TABLE "widget_settings" ADD COLUMN     "ai_disclosure" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "translations" JSONB NOT NULL DEFAULT '{}';

-- migrate:down
-- Not reversible automatically: restore from a backup.
