-- migrate:up
-- AlterTable
ALTER TABLE "sessions" ADD COLUMN "follow_up_since" DATETIME;

-- AlterTable
ALTER TABLE "messages" ADD COLUMN "kind" TEXT;

-- CreateIndex
CREATE INDEX "sessions_follow_up_since_id_idx" ON "sessions"("follow_up_since" DESC, "id" DESC);

-- migrate:down
-- Not reversible automatically: restore from a backup.
