-- migrate:up
-- CreateTable
CREATE TABLE "answer_test_suites" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "questions" JSONB NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "answer_test_runs" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "suite_id" TEXT NOT NULL,
    "summary" JSONB NOT NULL,
    "results" JSONB NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "answer_test_runs_suite_id_fkey" FOREIGN KEY ("suite_id") REFERENCES "answer_test_suites" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "answer_test_suites_updated_at_idx" ON "answer_test_suites"("updated_at");

-- CreateIndex
CREATE INDEX "answer_test_runs_suite_id_created_at_id_idx" ON "answer_test_runs"("suite_id", "created_at" DESC, "id" DESC);

-- migrate:down
-- Not reversible automatically: restore from a backup.
