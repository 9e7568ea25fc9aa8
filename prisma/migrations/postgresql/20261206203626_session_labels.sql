-- migrate:up
-- CreateTable
CREATE TABLE "session_labels" (
    "session_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "session_labels_pkey" PRIMARY KEY ("session_id","label")
);

-- CreateIndex
CREATE INDEX "session_labels_label_idx" ON "session_labels"("label");

-- AddForeignKey
ALTER TABLE "session_labels" ADD CONSTRAINT "session_labels_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- migrate:down
-- Not reversible automatically: restore from a backup.
