-- migrate:up
-- AlterTable
ALTER TABLE "visitors" ADD COLUMN     "user_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "visitors_user_id_key" ON "visitors"("user_id");

-- migrate:down
-- Not reversible automatically: restore from a backup.
