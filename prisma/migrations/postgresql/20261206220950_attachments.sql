-- migrate:up
-- CreateTable
CREATE TABLE "attachments" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "visitor_id" UUID NOT NULL,
    "uploader" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "message_id" UUID,

    CONSTRAINT "attachments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "attachments_session_id_created_at_idx" ON "attachments"("session_id", "created_at");

-- CreateIndex
CREATE INDEX "attachments_message_id_idx" ON "attachments"("message_id");

-- CreateIndex
CREATE INDEX "attachments_visitor_id_idx" ON "attachments"("visitor_id");

-- AddForeignKey
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- migrate:down
-- Not reversible automatically: restore from a backup.
