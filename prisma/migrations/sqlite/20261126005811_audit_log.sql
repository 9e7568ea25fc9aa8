-- migrate:up
-- CreateTable (DEFAULT edited by hand from Prisma's `DEFAULT {}` to the string '{}')
CREATE TABLE "audit_log" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "object_type" TEXT,
    "object_id" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "client_address" TEXT
);

-- CreateIndex
CREATE INDEX "audit_log_created_at_id_idx" ON "audit_log"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_log_action_created_at_idx" ON "audit_log"("action", "created_at");

-- migrate:down
-- Not reversible automatically: restore from a backup.
