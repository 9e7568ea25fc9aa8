import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  createAnswerTestSuite,
  deleteAnswerTestSuite,
  getAnswerTestSuite,
  listAnswerTestRuns,
  listAnswerTestSuites,
  runAnswerTestSuite,
  updateAnswerTestSuite,
} from "~/server/admin/knowledge/answer-test-suites";
import { ANSWER_TEST_RUNS_KEPT } from "~/server/admin/knowledge/answer-test-suites.schema";
import { createKnowledgeArticle, updateKnowledgeArticle } from "~/server/admin/knowledge/knowledge.service";
import type { ChatDeps } from "~/server/chat/deps";
import { describeEachDatabase } from "./helpers/databases";
import { TEST_BY, testDeps } from "./helpers/deps";

/**
 * Saved answer-test suites (issue 22 item 4): saved, re-run after a knowledge change, the history with each
 * question's change since the previous run (a break is visible), the one-click "add to suite" (duplicates once),
 * the bounded history, audited changes, and clear refusals — on both databases.
 */
describeEachDatabase("answer-test suites (saved, re-run, history)", (database) => {
  let deps: ChatDeps;
  let backupId = "";

  beforeAll(async () => {
    deps = testDeps(database());
    const backup = await createKnowledgeArticle(
      deps,
      {
        title: "Backing up your server",
        body: "## Nightly backups\n\nCopy the data directory with rsync every night, and keep seven copies.\n",
        published: true,
      },
      TEST_BY,
    );
    backupId = backup.id;
  });
  beforeEach(async () => {
    deps = testDeps(database());
    await deps.db.answerTestSuite.deleteMany({});
    await updateKnowledgeArticle(deps, { id: backupId, published: true }, TEST_BY);
  });

  it("a suite is saved, run, re-run after a knowledge change: the broken question shows, then the fix", async () => {
    const suite = await createAnswerTestSuite(
      deps,
      {
        name: "Backups",
        questions: [
          { question: "how do I back up my server every night", expected: [backupId] },
          { question: "can you cancel my order and refund me", expected: [] },
        ],
      },
      TEST_BY,
    );
    expect(suite).toMatchObject({ name: "Backups", last_run: null });
    expect(suite.questions).toHaveLength(2);
    const audit = await deps.db.auditEntry.findFirstOrThrow({
      where: { action: "knowledge.suite_created", object_id: suite.id },
    });
    expect(audit.detail).toEqual({ questions: 2 });

    const first = await runAnswerTestSuite(deps, suite.id);
    expect(first.summary).toMatchObject({ total: 2, passed: 2 });
    expect(first.results.map((result) => result.change)).toEqual(["new", "new"]);

    // The article is unpublished: the backup question now fails — the history says it broke.
    await updateKnowledgeArticle(deps, { id: backupId, published: false }, TEST_BY);
    const second = await runAnswerTestSuite(deps, suite.id);
    expect(second.summary).toMatchObject({ total: 2, passed: 1 });
    expect(second.results.map((result) => result.change)).toEqual(["broke", "same"]);
    expect(second.changes).toEqual({ fixed: 0, broke: 1 });

    await updateKnowledgeArticle(deps, { id: backupId, published: true }, TEST_BY);
    const third = await runAnswerTestSuite(deps, suite.id);
    expect(third.results.map((result) => result.change)).toEqual(["fixed", "same"]);

    const history = await listAnswerTestRuns(deps, suite.id);
    expect(history.items.map((run) => run.id)).toEqual([third.id, second.id, first.id]);
    expect(history.items[1]!.changes).toEqual({ fixed: 0, broke: 1 });
    expect((await getAnswerTestSuite(deps, suite.id)).last_run).toMatchObject({
      id: third.id,
      summary: { passed: 2, total: 2 },
    });
    expect((await listAnswerTestSuites(deps)).items.map((item) => item.id)).toEqual([suite.id]);
  });

  it("add_questions appends (once per question text), a new question is 'new' in the next run", async () => {
    const suite = await createAnswerTestSuite(deps, { name: "From gaps" }, TEST_BY);
    expect(suite.questions).toEqual([]);
    await expect(runAnswerTestSuite(deps, suite.id)).rejects.toMatchObject({ id: "ANSWER_TEST_SUITE_EMPTY" });
    const once = await updateAnswerTestSuite(
      deps,
      { id: suite.id, add_questions: [{ question: "how do I back up my server every night" }] },
      TEST_BY,
    );
    const twice = await updateAnswerTestSuite(
      deps,
      { id: suite.id, add_questions: [{ question: "  How do I back up my server   every night " }] },
      TEST_BY,
    );
    expect(once.questions).toEqual([{ question: "how do I back up my server every night", expected: [] }]);
    expect(twice.questions).toHaveLength(1);
    await runAnswerTestSuite(deps, suite.id);
    await updateAnswerTestSuite(
      deps,
      { id: suite.id, name: "Renamed", add_questions: [{ question: "add a printer", expected: [] }] },
      TEST_BY,
    );
    const run = await runAnswerTestSuite(deps, suite.id);
    expect(run.results.map((result) => result.change)).toEqual(["same", "new"]);
    expect((await getAnswerTestSuite(deps, suite.id)).name).toBe("Renamed");
  });

  it(`keeps the newest ${ANSWER_TEST_RUNS_KEPT} runs; deleting a suite deletes its runs (audited)`, async () => {
    const suite = await createAnswerTestSuite(
      deps,
      { name: "Many runs", questions: [{ question: "can you cancel my order", expected: [] }] },
      TEST_BY,
    );
    // Older runs stored directly (running 50 searches would only slow the test down).
    await deps.db.answerTestRun.createMany({
      data: Array.from({ length: ANSWER_TEST_RUNS_KEPT }, (_, index) => ({
        suite_id: suite.id,
        summary: { total: 1, top1: 0, top3: 0, declined_correctly: 1, passed: 1 },
        results: [],
        created_at: new Date(Date.UTC(2026, 0, 1, 0, index)),
      })),
    });
    const newest = await runAnswerTestSuite(deps, suite.id);
    const runs = await listAnswerTestRuns(deps, suite.id);
    expect(runs.items).toHaveLength(ANSWER_TEST_RUNS_KEPT);
    expect(runs.items[0]!.id).toBe(newest.id);
    expect(await deps.db.answerTestRun.count({ where: { suite_id: suite.id } })).toBe(ANSWER_TEST_RUNS_KEPT);
    // The oldest stored one (minute 0) is the one that went.
    expect(
      await deps.db.answerTestRun.count({ where: { created_at: new Date(Date.UTC(2026, 0, 1, 0, 0)) } }),
    ).toBe(0);

    await deleteAnswerTestSuite(deps, suite.id, TEST_BY);
    expect(await deps.db.answerTestRun.count({ where: { suite_id: suite.id } })).toBe(0);
    await expect(getAnswerTestSuite(deps, suite.id)).rejects.toMatchObject({
      id: "ANSWER_TEST_SUITE_NOT_FOUND",
    });
    expect(
      await deps.db.auditEntry.count({ where: { action: "knowledge.suite_deleted", object_id: suite.id } }),
    ).toBe(1);
  });

  it("refuses bad input with field-level detail and unknown ids with 404", async () => {
    await expect(createAnswerTestSuite(deps, { name: "  " }, TEST_BY)).rejects.toThrow(
      /name must not be empty/,
    );
    await expect(
      createAnswerTestSuite(
        deps,
        { name: "Too many", questions: Array.from({ length: 201 }, (_, i) => ({ question: `q${i}` })) },
        TEST_BY,
      ),
    ).rejects.toThrow(/at most 200 questions/);
    await expect(runAnswerTestSuite(deps, "not-a-uuid")).rejects.toMatchObject({
      id: "ANSWER_TEST_SUITE_NOT_FOUND",
    });
    await expect(
      updateAnswerTestSuite(deps, { id: "00000000-0000-4000-8000-000000000000", name: "x" }, TEST_BY),
    ).rejects.toMatchObject({ id: "ANSWER_TEST_SUITE_NOT_FOUND" });
  });
});
