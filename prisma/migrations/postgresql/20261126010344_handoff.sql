-- migrate:up
-- CreateEnum
CREATE TYPE "SessionMode" AS ENUM ('bot', 'waiting', 'agent', 'closed');

-- AlterEnum
ALTER TYPE "MessageRole" ADD VALUE 'agent';

-- AlterTable
ALTER TABLE "visitors" ADD COLUMN     "email" TEXT;

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "agent_id" TEXT,
ADD COLUMN     "agent_name" TEXT,
ADD COLUMN     "handoff_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "mode" "SessionMode" NOT NULL DEFAULT 'bot';

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "author_name" TEXT;

-- CreateTable
CREATE TABLE "agent_presence" (
    "agent_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_presence_pkey" PRIMARY KEY ("agent_id")
);

-- CreateIndex
CREATE INDEX "agent_presence_last_seen_at_idx" ON "agent_presence"("last_seen_at");

-- migrate:down
-- Not reversible automatically: restore from a backup.
