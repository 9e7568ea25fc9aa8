-- migrate:up
-- CreateTable
CREATE TABLE "handoff_requests" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "handoff_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "handoff_requests_session_id_requested_at_idx" ON "handoff_requests"("session_id", "requested_at");

-- AddForeignKey
ALTER TABLE "handoff_requests" ADD CONSTRAINT "handoff_requests_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- migrate:down
-- Not reversible automatically: restore from a backup.
