-- migrate:up
-- AlterTable
ALTER TABLE "messages" ADD COLUMN "answer_kind" TEXT;

-- CreateTable
CREATE TABLE "message_feedback" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "message_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "visitor_id" TEXT NOT NULL,
    "rating" TEXT NOT NULL,
    "comment" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "message_feedback_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "session_ratings" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "session_id" TEXT NOT NULL,
    "visitor_id" TEXT NOT NULL,
    "rating" INTEGER NOT NULL,
    "comment" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "session_ratings_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "message_feedback_message_id_key" ON "message_feedback"("message_id");

-- CreateIndex
CREATE INDEX "message_feedback_updated_at_idx" ON "message_feedback"("updated_at");

-- CreateIndex
CREATE INDEX "message_feedback_session_id_idx" ON "message_feedback"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX "session_ratings_session_id_key" ON "session_ratings"("session_id");

-- CreateIndex
CREATE INDEX "session_ratings_updated_at_idx" ON "session_ratings"("updated_at");

-- migrate:down
-- Not reversible automatically: restore from a backup.
