-- migrate:up
-- CreateTable
CREATE TABLE "widget_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 1,
    "title" TEXT,
    "subtitle" TEXT,
    "greeting" TEXT,
    "accent" TEXT,
    "launcher_label" TEXT,
    "position" TEXT,
    "suggested_prompts" JSONB NOT NULL DEFAULT '[]',
    "assistant_name" TEXT,
    "assistant_avatar" TEXT,
    "allowed_origins" JSONB NOT NULL DEFAULT '[]',
    "office_hours" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,

    CONSTRAINT "widget_settings_pkey" PRIMARY KEY ("id")
);

-- migrate:down
-- Not reversible automatically: restore from a backup.
