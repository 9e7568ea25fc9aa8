-- migrate:up
-- CreateTable
CREATE TABLE "admin_sign_in_attempts" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_sign_in_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "admin_sign_in_attempts_key_at_idx" ON "admin_sign_in_attempts"("key", "at");

-- CreateIndex
CREATE INDEX "admin_sign_in_attempts_at_idx" ON "admin_sign_in_attempts"("at");

-- migrate:down
-- Not reversible automatically: restore from a backup.
