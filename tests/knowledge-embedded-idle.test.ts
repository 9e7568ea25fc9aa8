/**
 * The embedded sentence model (on by default) is loaded only when there are English passages to compare a question
 * with: a fresh install's empty knowledge base answers questions without it (issue 24's idle server: loading it
 * for nothing costs ~100 MB). Its own file: whether the model is loaded is per process.
 */
import { expect, it } from "vitest";
import { createKnowledgeArticle } from "~/server/admin/knowledge/knowledge.service";
import { embeddedModelLoaded } from "~/server/chat/knowledge/embedded-model";
import { LiveKnowledge } from "~/server/chat/knowledge/live-knowledge";
import { KnowledgeBaseResponder } from "~/server/chat/responder/knowledge-base";
import { ask } from "./helpers/ask";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

describeEachDatabase("the embedded model and an empty knowledge base", (database) => {
  it("is not loaded by questions while there is no article, and is once there is one", async () => {
    const deps = testDeps(database());
    // The first database's run starts with the model not loaded; the second finds it loaded by the first.
    const loadedBefore = embeddedModelLoaded();
    await deps.db.knowledgeArticle.deleteMany({});
    const knowledge = new LiveKnowledge(deps.db, { refreshMs: 0, embedded: true });
    const responder = new KnowledgeBaseResponder(knowledge, { chunkDelayMs: 0 });
    for (const question of ["How do I reset my password?", "where is my order"]) {
      expect((await ask(responder, question)).sources).toEqual([]);
    }
    await knowledge.embeddedReady();
    expect((await knowledge.current()).semantic).toBeUndefined();
    expect(embeddedModelLoaded()).toBe(loadedBefore);

    await createKnowledgeArticle(
      deps,
      {
        title: "Resetting your password",
        body: "Open the sign-in page and choose “Forgot password”: a link to set a new one is emailed to you.",
        published: true,
      },
      TEST_BY,
    );
    await knowledge.embeddedReady();
    expect(embeddedModelLoaded()).toBe(true);
    expect((await ask(responder, "How do I reset my password?")).sources[0]?.title).toMatch(/^Resetting/);
  });
});
