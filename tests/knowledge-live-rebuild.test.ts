/**
 * A rebuild of a large knowledge index runs in the background (LiveKnowledge, BACKGROUND_REBUILD_ARTICLES): a
 * question asked meanwhile is answered from the previous index at once, and the new index is swapped in when it is
 * built. Below the threshold an edit is waited for, so it is searched on the next question. On both databases.
 */
import { expect, it } from "vitest";
import { createKnowledgeArticle, updateKnowledgeArticle } from "~/server/admin/knowledge/knowledge.service";
import { BACKGROUND_REBUILD_ARTICLES, LiveKnowledge } from "~/server/chat/knowledge/live-knowledge";
import { KnowledgeBaseResponder } from "~/server/chat/responder/knowledge-base";
import { ask } from "./helpers/ask";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

describeEachDatabase("LiveKnowledge rebuilds", (database) => {
  it("answers from the previous index while a large one is rebuilt, then from the new one", async () => {
    expect(BACKGROUND_REBUILD_ARTICLES).toBeGreaterThan(3);
    const deps = testDeps(database());
    const created = [];
    for (const [title, body] of [
      ["Shipping times", "## Delivery\n\nParcels are delivered within three working days by courier."],
      ["Returns", "## Refunds\n\nA refund is paid back to your card within five days of the return."],
      ["Opening hours", "## Shop\n\nThe shop is open from nine to six on weekdays."],
    ] as const)
      created.push(await createKnowledgeArticle(deps, { title, body, published: true }, TEST_BY));
    // Three articles count as "large" here, so the rebuild goes to the background.
    const knowledge = new LiveKnowledge(deps.db, { refreshMs: 0, backgroundRebuildArticles: 3 });
    const responder = new KnowledgeBaseResponder(knowledge, { chunkDelayMs: 0 });
    const first = await knowledge.current();
    expect(first.search("when is the parcel delivered by courier", 3)).not.toEqual([]);

    await updateKnowledgeArticle(
      deps,
      {
        id: created[0]!.id,
        body: "## Delivery\n\nParcels travel by zeppelin now and arrive within a fortnight.",
      },
      TEST_BY,
    );
    // The check sees the edit and starts the rebuild; a question asked with it is answered from the previous
    // index meanwhile (both share the one check, which returns before the rebuild's first read).
    const [during, meanwhile] = await Promise.all([
      knowledge.current(),
      ask(responder, "when is the parcel delivered by courier"),
    ]);
    expect(during).toBe(first);
    expect(meanwhile.sources[0]?.title).toMatch(/^Shipping times/);

    await knowledge.settled();
    const rebuilt = await knowledge.current();
    expect(rebuilt).not.toBe(first);
    expect(rebuilt.search("zeppelin", 3)[0]?.passage.article).toBe("Shipping times");
    expect((await ask(responder, "does my parcel travel by zeppelin")).sources[0]?.title).toMatch(
      /^Shipping times/,
    );
    // The previous index still answers what it knew; the new one no longer has the old text.
    expect(first.search("zeppelin", 3)).toEqual([]);
    expect(rebuilt.search("delivered by courier", 3)).toEqual([]);
  });

  it("waits for the rebuild of a small index: an edit is searched on the next question", async () => {
    const deps = testDeps(database());
    const article = await createKnowledgeArticle(
      deps,
      {
        title: "Gift cards",
        body: "## Balance\n\nA gift card keeps its balance for two years.",
        published: true,
      },
      TEST_BY,
    );
    const knowledge = new LiveKnowledge(deps.db, { refreshMs: 0 });
    const first = await knowledge.current();
    expect(first.articles.length).toBeLessThan(BACKGROUND_REBUILD_ARTICLES);
    await updateKnowledgeArticle(
      deps,
      { id: article.id, body: "## Balance\n\nA gift card keeps its balance for ten years, then expires." },
      TEST_BY,
    );
    const next = await knowledge.current();
    expect(next).not.toBe(first);
    expect(next.search("how many years does a gift card balance last", 3)[0]?.passage.text).toMatch(
      /ten years/,
    );
  });
});
