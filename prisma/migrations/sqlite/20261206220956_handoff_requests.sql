-- migrate:up
-- CreateTable
CREATE TABLE "handoff_requests" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "session_id" TEXT NOT NULL,
    "requested_at" DATETIME NOT NULL,
    CONSTRAINT "handoff_requests_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "handoff_requests_session_id_requested_at_idx" ON "handoff_requests"("session_id", "requested_at");

-- migrate:down
-- Not reversible automatically: restore from a backup.
