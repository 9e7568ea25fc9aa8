-- migrate:up
-- CreateTable
CREATE TABLE "session_labels" (
    "session_id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("session_id", "label"),
    CONSTRAINT "session_labels_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "session_labels_label_idx" ON "session_labels"("label");

-- migrate:down
-- Not reversible automatically: restore from a backup.
