-- migrate:up
-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "saved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "job_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_leases_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "messages_status_saved_at_idx" ON "messages"("status", "saved_at");

-- migrate:down
-- Not reversible automatically: restore from a backup.
