-- migrate:up
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_widget_settings" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
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
    "translations" JSONB NOT NULL DEFAULT '{}',
    "ai_disclosure" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT
);
INSERT INTO "new_widget_settings" ("accent", "allowed_origins", "assistant_avatar", "assistant_name", "greeting", "id", "launcher_label", "office_hours", "position", "subtitle", "suggested_prompts", "title", "updated_at", "updated_by", "version") SELECT "accent", "allowed_origins", "assistant_avatar", "assistant_name", "greeting", "id", "launcher_label", "office_hours", "position", "subtitle", "suggested_prompts", "title", "updated_at", "updated_by", "version" FROM "widget_settings";
DROP TABLE "widget_settings";
ALTER TABLE "new_widget_settings" RENAME TO "widget_settings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- migrate:down
-- Not reversible automatically: restore from a backup.
