-- migrate:up
-- CreateTable
CREATE TABLE "answer_test_suites" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "questions" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "answer_test_suites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "answer_test_runs" (
    "id" UUID NOT NULL,
    "suite_id" UUID NOT NULL,
    "summary" JSONB NOT NULL,
    "results" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "answer_test_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "answer_test_suites_updated_at_idx" ON "answer_test_suites"("updated_at");

-- CreateIndex
CREATE INDEX "answer_test_runs_suite_id_created_at_id_idx" ON "answer_test_runs"("suite_id", "created_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "answer_test_runs" ADD CONSTRAINT "answer_test_runs_suite_id_fkey" FOREIGN KEY ("suite_id") REFERENCES "answer_test_suites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- migrate:down
-- Not reversible automatically: restore from a backup.
