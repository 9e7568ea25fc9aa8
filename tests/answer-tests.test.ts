import { beforeAll, expect, it } from "vitest";
import { runAnswerTests } from "~/server/admin/knowledge/answer-tests";
import { createKnowledgeArticle } from "~/server/admin/knowledge/knowledge.service";
import { describeEachDatabase } from "./helpers/databases";
import { TEST_BY, testDeps } from "./helpers/deps";

/** The answer-test tool (issue 22): questions with expected articles, or none (must decline), over real data. */
describeEachDatabase("answer tests (admin.knowledge.runTests)", (database) => {
  let backupId = "";
  beforeAll(async () => {
    const deps = testDeps(database());
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
    await createKnowledgeArticle(
      deps,
      {
        title: "Printers",
        body: "## Adding a printer\n\nOpen the printing settings, choose the printer model and print a test page.\n",
        published: true,
      },
      TEST_BY,
    );
  });

  it("reports top1, top3, declined and passed per question, and the summary", async () => {
    const run = await runAnswerTests(testDeps(database()), {
      questions: [
        { question: "how do I back up my server every night", expected: [backupId] },
        { question: "how do I back up my server every night", expected: ["/help/printers"] },
        { question: "add a printer and print a test page", expected: ["printers"] },
        { question: "can you cancel my order and refund me", expected: [] },
      ],
    });
    expect(run.results.map(({ top1, top3, declined, passed }) => ({ top1, top3, declined, passed }))).toEqual(
      [
        { top1: true, top3: true, declined: false, passed: true },
        { top1: false, top3: false, declined: false, passed: false },
        { top1: true, top3: true, declined: false, passed: true },
        { top1: false, top3: false, declined: true, passed: true },
      ],
    );
    expect(run.results[0]!.sources[0]).toMatchObject({
      title: "Backing up your server › Nightly backups",
      url: expect.stringMatching(/^\/help\/backing-up-your-server#nightly-backups$/),
      article_id: backupId,
    });
    expect(run.summary).toEqual({ total: 4, top1: 2, top3: 2, declined_correctly: 1, passed: 3 });
  });

  it("refuses an empty list of questions", async () => {
    await expect(runAnswerTests(testDeps(database()), { questions: [] })).rejects.toThrow();
  });
});
