-- migrate:up
-- AlterTable
ALTER TABLE "visitors" ADD COLUMN "email" TEXT;

-- AlterTable
ALTER TABLE "messages" ADD COLUMN "author_name" TEXT;

-- AlterTable (ADD COLUMN written by hand: Prisma's diff rebuilds the sessions table for a NOT NULL column with a
-- default, which SQLite can add in place)
ALTER TABLE "sessions" ADD COLUMN "mode" TEXT NOT NULL DEFAULT 'bot';
ALTER TABLE "sessions" ADD COLUMN "agent_id" TEXT;
ALTER TABLE "sessions" ADD COLUMN "agent_name" TEXT;
ALTER TABLE "sessions" ADD COLUMN "handoff_requested_at" DATETIME;

-- CreateTable
CREATE TABLE "agent_presence" (
    "agent_id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "last_seen_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "agent_presence_last_seen_at_idx" ON "agent_presence"("last_seen_at");

-- migrate:down
-- Not reversible automatically: restore from a backup.
