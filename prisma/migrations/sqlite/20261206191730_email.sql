-- migrate:up
-- AlterTable
ALTER TABLE "visitors" ADD COLUMN "email_stopped_at" DATETIME;

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN "agents_alerted_at" DATETIME;
ALTER TABLE "sessions" ADD COLUMN "emailed_through" DATETIME;
ALTER TABLE "sessions" ADD COLUMN "reply_token" TEXT;
ALTER TABLE "sessions" ADD COLUMN "visitor_live_until" DATETIME;

-- CreateTable
CREATE TABLE "email_outbox" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "reply_to" TEXT,
    "session_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" DATETIME NOT NULL,
    "last_error" TEXT,
    "lease_owner" TEXT,
    "lease_until" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" DATETIME,
    CONSTRAINT "email_outbox_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "agent_alert_preferences" (
    "user_id" TEXT NOT NULL PRIMARY KEY,
    "email_alerts" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "email_outbox_status_next_attempt_at_idx" ON "email_outbox"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "email_outbox_session_id_idx" ON "email_outbox"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_reply_token_key" ON "sessions"("reply_token");

-- migrate:down
-- Not reversible automatically: restore from a backup.
