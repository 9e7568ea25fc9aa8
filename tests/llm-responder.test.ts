import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { chat, chatStreamEvents, retry, startChat, stopReply } from "~/server/chat/messages/messages.service";
import type { ChatStreamEvent } from "~/server/chat/messages/message.schema";
import { CONFIDENCE_THRESHOLD, KnowledgeBase, loadKnowledge } from "~/server/chat/responder/knowledge-base";
import {
  historyWindow,
  LANGUAGE_INSTRUCTION,
  REWRITE_INSTRUCTION,
  LlmResponder,
  type LlmSettings,
} from "~/server/chat/responder/llm";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { describeEachDatabase } from "./helpers/databases";
import { startFakeLlm, type FakeLlm } from "../testing/fake-llm";
import { testDeps } from "./helpers/deps";

const knowledge = new KnowledgeBase(loadKnowledge(path.resolve("content/knowledge")));

function settings(fake: FakeLlm, overrides: Partial<LlmSettings> = {}): LlmSettings {
  return {
    baseUrl: fake.baseUrl,
    apiKey: "sk-test",
    model: "test-model",
    systemPrompt: "You are the test assistant.",
    temperature: 0.2,
    timeoutMs: 2_000,
    maxRetries: 0,
    historyMaxMessages: 20,
    historyMaxChars: 12_000,
    queryRewrite: "language",
    groundingPassages: 2,
    ...overrides,
  };
}

describe("historyWindow", () => {
  const turns = [
    { role: "user" as const, content: "aaaa" },
    { role: "assistant" as const, content: "bbbb" },
    { role: "user" as const, content: "cccc" },
  ];
  it("keeps the most recent turns within both limits, dropping the oldest first", () => {
    expect(historyWindow(turns, 2, 1000)).toEqual(turns.slice(1));
    expect(historyWindow(turns, 10, 8)).toEqual(turns.slice(1));
    expect(historyWindow(turns, 10, 7)).toEqual(turns.slice(2));
    expect(historyWindow(turns, 0, 1000)).toEqual([]);
  });
});

describeEachDatabase("LLM responder against a local OpenAI-compatible server", (database) => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.setDefault({ kind: "stream", chunks: ["Hello", " from", " the", " model."] });
  });

  async function newChat(overrides: Partial<LlmSettings> = {}) {
    const deps: ChatDeps = testDeps(database(), {
      responder: new LlmResponder(settings(fake, overrides), knowledge),
    });
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id });
    return { deps, ids: { session_id: session.id, visitor_id: visitor.id } };
  }

  async function stored(sessionId: string) {
    const rows = await database().db.message.findMany({
      where: { session_id: sessionId },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    return rows.map(({ role, content, status }) => ({ role, content, status }));
  }

  async function storedSources(sessionId: string) {
    const rows = await database().db.message.findMany({
      where: { session_id: sessionId },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    return rows.map((row) => row.sources);
  }

  async function storedAnswerKinds(sessionId: string) {
    const rows = await database().db.message.findMany({
      where: { session_id: sessionId },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    return rows.map((row) => row.answer_kind);
  }

  it("streams the model's tokens, grounded in the knowledge base, and reports its sources", async () => {
    const { deps, ids } = await newChat();
    const started = await startChat(deps, { ...ids, message: "How do I embed the widget on my website?" });
    const deltas: string[] = [];
    let done: ChatStreamEvent | undefined;
    for await (const event of chatStreamEvents(started)) {
      if (event.type === "delta") deltas.push(event.text);
      else if (event.type === "done") done = event;
    }
    // The model's text only: the sources travel as data, not as a "Sources:" block appended to the reply.
    const reply = deltas.join("");
    expect(reply).toBe("Hello from the model.");
    const sources = done?.type === "done" ? done.assistant_message.sources : [];
    // A passage of the embedding article (which one is the retrieval's business: tests/retrieval-eval.test.ts).
    expect(sources[0]).toMatchObject({
      title: expect.stringMatching(/^Embedding the chat widget on your website › /),
      url: expect.stringMatching(/^\/help\/embedding-the-widget#/),
    });
    expect(sources[0]!.score).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLD);

    const request = fake.requests[0]!;
    expect(request.body.model).toBe("test-model");
    expect(request.body.stream).toBe(true);
    expect(request.body.temperature).toBe(0.2);
    expect(request.headers.authorization).toBe("Bearer sk-test");
    const [system, ...rest] = request.body.messages;
    expect(system?.role).toBe("system");
    expect(system?.content).toContain("You are the test assistant.");
    expect(system?.content).toMatch(/\[1\] Embedding the chat widget on your website › /);
    expect(system?.content).toContain("<script src=");
    expect(rest).toEqual([{ role: "user", content: "How do I embed the widget on my website?" }]);
    expect(await stored(ids.session_id)).toEqual([
      { role: "user", content: "How do I embed the widget on my website?", status: "complete" },
      { role: "assistant", content: reply, status: "complete" },
    ]);
    expect(await storedSources(ids.session_id)).toEqual([[], sources]);
  });

  it("gives the model no passage and reports no source for a question the help articles do not cover", async () => {
    const { deps, ids } = await newChat();
    const output = await chat(deps, { ...ids, message: "What is the capital of France?" });
    expect(output.assistant_message?.sources).toEqual([]);
    expect(output.user_message.sources).toEqual([]);
    const system = String(fake.requests.at(-1)!.body.messages[0]?.content);
    expect(system).toContain("No help article covers this message.");
    expect(system).toContain("I couldn't find that in our help articles.");
    expect(system).not.toMatch(/\[1\] /);
    expect((await storedSources(ids.session_id)).at(-1)).toEqual([]);
    expect(await storedAnswerKinds(ids.session_id)).toEqual([null, "no_answer"]);
  });

  it("tells the model to reply in the visitor's language, with or without (English) passages", async () => {
    const { deps, ids } = await newChat();
    await chat(deps, { ...ids, message: "How do I embed the widget on my website?" });
    await chat(deps, { ...ids, message: "Wie kann ich meine Daten löschen lassen, bitte?" });
    await chat(deps, { ...ids, message: "hello" });
    // The German question is first rewritten as an English search query (the articles' language): one request.
    const rewrites = fake.requests.filter((request) =>
      String(request.body.messages[0]?.content).startsWith(REWRITE_INSTRUCTION),
    );
    expect(rewrites.map((request) => request.body.messages)).toEqual([
      [
        { role: "system", content: `${REWRITE_INSTRUCTION} English. Reply with the query only.` },
        { role: "user", content: "Wie kann ich meine Daten löschen lassen, bitte?" },
      ],
    ]);
    const answers = fake.requests.filter((request) => !rewrites.includes(request));
    const systems = answers.slice(-3).map((request) => String(request.body.messages[0]?.content));
    expect(LANGUAGE_INSTRUCTION).toMatch(/language the visitor writes in/);
    for (const system of systems) expect(system).toContain(LANGUAGE_INSTRUCTION);
    // The English passages are still sent for the English question; the visitor's words go unchanged.
    expect(systems[0]).toMatch(/\[1\] Embedding the chat widget on your website › /);
    expect(answers.at(-2)!.body.messages.at(-1)).toEqual({
      role: "user",
      content: "Wie kann ich meine Daten löschen lassen, bitte?",
    });
    const kinds = await storedAnswerKinds(ids.session_id);
    expect(kinds[1]).toBe("answered");
    expect(kinds[5]).toBe("small_talk");
  });

  describe("the query-rewrite step before retrieval (LLM_QUERY_REWRITE=always, the default)", () => {
    const isRewrite = (request: FakeLlm["requests"][number]) =>
      String(request.body.messages[0]?.content).startsWith(REWRITE_INSTRUCTION);
    const followUp = "And the other thing you said, can I wipe all of it myself?";

    it("searches a follow-up as the model rewrites it with the conversation, and counts its tokens", async () => {
      // As written, the follow-up finds no passage: only what it refers to can.
      expect(await knowledge.find(followUp, 3)).toEqual([]);
      const { deps, ids } = await newChat({ queryRewrite: "always" });
      fake.queue(
        { kind: "stream", chunks: ["embed the chat widget"], usage: { prompt: 10, completion: 4 } },
        { kind: "stream", chunks: ["Add the script tag."], usage: { prompt: 100, completion: 20 } },
        { kind: "stream", chunks: ["- delete my conversation data\n- clear chat history"] },
        { kind: "stream", chunks: ["Yes: delete it from the widget."] },
      );
      const before = fake.requests.length;
      await chat(deps, { ...ids, message: "How do I embed the widget on my website?" });
      await chat(deps, { ...ids, message: followUp });
      const sent = fake.requests.slice(before);
      expect(sent.map(isRewrite)).toEqual([true, false, true, false]);
      // The first question alone, in the articles' language; the follow-up with the conversation before it.
      expect(sent[0]!.body.messages).toEqual([
        { role: "system", content: `${REWRITE_INSTRUCTION} English. Reply with the query only.` },
        { role: "user", content: "How do I embed the widget on my website?" },
      ]);
      expect(sent[0]!.body.tools).toBeUndefined();
      expect(sent[2]!.body.messages[0]!.content).toMatch(
        /Use the earlier messages only to tell what the last/,
      );
      expect(sent[2]!.body.messages.slice(1)).toEqual([
        { role: "user", content: "How do I embed the widget on my website?" },
        { role: "assistant", content: "Add the script tag." },
        { role: "user", content: followUp },
      ]);
      // The rewritten queries (a list's markers dropped) found the privacy article's passages for the answer.
      const system = String(sent[3]!.body.messages[0]!.content);
      expect(system).toMatch(/\[1\] Privacy and your chat data › /);
      expect(system).not.toContain("No help article covers this message.");
      const sources = (await storedSources(ids.session_id))[3] as { url: string }[];
      expect(sources[0]).toMatchObject({
        url: expect.stringMatching(/^\/help\/privacy-and-data#/),
      });
      // The rewrite's tokens are the reply's too (the daily budget and the cost estimate count them).
      const rows = await database().db.message.findMany({
        where: { session_id: ids.session_id, role: "assistant" },
        orderBy: [{ created_at: "asc" }, { id: "asc" }],
      });
      expect([rows[0]!.prompt_tokens, rows[0]!.completion_tokens]).toEqual([110, 24]);
    });

    it("skips small talk, and searches the question as written when the rewrite fails", async () => {
      const { deps, ids } = await newChat({ queryRewrite: "always" });
      const before = fake.requests.length;
      await chat(deps, { ...ids, message: "hello" });
      expect(fake.requests.slice(before).map(isRewrite)).toEqual([false]);
      fake.queue({ kind: "status", status: 500 });
      const output = await chat(deps, { ...ids, message: "How do I embed the widget on my website?" });
      expect(fake.requests.slice(before).map(isRewrite)).toEqual([false, true, false]);
      expect(output.assistant_message?.content).toBe("Hello from the model.");
      expect(output.assistant_message?.sources[0]?.url).toMatch(/^\/help\/embedding-the-widget#/);
    });

    it("is not asked for with LLM_QUERY_REWRITE=off, even for another language", async () => {
      const { deps, ids } = await newChat({ queryRewrite: "off" });
      const before = fake.requests.length;
      await chat(deps, { ...ids, message: "Wie kann ich meine Daten löschen lassen, bitte?" });
      expect(fake.requests.slice(before).map(isRewrite)).toEqual([false]);
    });
  });

  it("sends the conversation history within the configured window", async () => {
    const { deps, ids } = await newChat({ historyMaxMessages: 3 });
    for (const message of ["first question", "second question", "third question"]) {
      await chat(deps, { ...ids, message });
    }
    const last = fake.requests.at(-1)!.body.messages.slice(1);
    expect(last.map((message) => message.role)).toEqual(["assistant", "user", "assistant", "user"]);
    expect(last[1]).toEqual({ role: "user", content: "second question" });
    expect(last.at(-1)).toEqual({ role: "user", content: "third question" });
    expect(last[0]?.content).toMatch(/^Hello from the model\./);
  });

  describe("failures keep the question, store what was generated as failed, and retry regenerates", () => {
    const failures: [string, () => void, string][] = [
      ["an HTTP 500", () => fake.queue({ kind: "status", status: 500 }), ""],
      ["an HTTP 401", () => fake.queue({ kind: "status", status: 401, message: "bad key" }), ""],
      [
        "a stream cut midway",
        () => fake.queue({ kind: "cut", chunks: ["Partial", " answer"] }),
        "Partial answer",
      ],
      ["a malformed stream", () => fake.queue({ kind: "malformed", chunks: ["Half"] }), "Half"],
      ["an upstream that stops answering", () => fake.queue({ kind: "hang", chunks: ["Slow"] }), "Slow"],
    ];
    for (const [name, arrange, partial] of failures) {
      it(`on ${name}`, async () => {
        const { deps, ids } = await newChat({ timeoutMs: 400 });
        arrange();
        const failed = await chat(deps, { ...ids, message: "tell me" }).catch((error: unknown) => error);
        expect(failed).toMatchObject({
          code: "REPLY_FAILED",
          message: expect.stringMatching(/Your message was saved/),
        });
        expect(await stored(ids.session_id)).toEqual([
          { role: "user", content: "tell me", status: "complete" },
          { role: "assistant", content: partial, status: "failed" },
        ]);

        const assistant = await database().db.message.findFirstOrThrow({
          where: { session_id: ids.session_id, role: "assistant" },
        });
        const retried = await retry(deps, { id: assistant.id, visitor_id: ids.visitor_id });
        expect(retried.assistant_message).toMatchObject({ id: assistant.id, status: "complete" });
        expect(retried.user_message.content).toBe("tell me");
        expect(await stored(ids.session_id)).toEqual([
          { role: "user", content: "tell me", status: "complete" },
          { role: "assistant", content: retried.assistant_message?.content, status: "complete" },
        ]);
        // The retry asked the same question, without the failed attempt in its history.
        expect(fake.requests.at(-1)!.body.messages.slice(1)).toEqual([{ role: "user", content: "tell me" }]);
      });
    }

    it("on a refused connection", async () => {
      const closed = await startFakeLlm();
      await closed.close();
      const deps: ChatDeps = testDeps(database(), {
        responder: new LlmResponder(settings(closed), knowledge),
      });
      const visitor = await createVisitor(deps, {});
      const session = await createSession(deps, { visitor_id: visitor.id });
      await expect(
        chat(deps, { session_id: session.id, visitor_id: visitor.id, message: "anyone?" }),
      ).rejects.toMatchObject({
        code: "REPLY_FAILED",
      });
      expect(await stored(session.id)).toEqual([
        { role: "user", content: "anyone?", status: "complete" },
        { role: "assistant", content: "", status: "failed" },
      ]);
    });
  });

  it("refuses to retry a reply that is complete or still streaming", async () => {
    const { deps, ids } = await newChat();
    const done = await chat(deps, { ...ids, message: "hi" });
    await expect(
      retry(deps, { id: done.assistant_message?.id ?? "", visitor_id: ids.visitor_id }),
    ).rejects.toMatchObject({
      code: "REPLY_NOT_RETRYABLE",
    });
    await expect(retry(deps, { id: done.user_message.id, visitor_id: ids.visitor_id })).rejects.toMatchObject(
      {
        code: "NOT_AN_ASSISTANT_MESSAGE",
      },
    );
    const other = await createVisitor(deps, {});
    await expect(
      retry(deps, { id: done.assistant_message?.id ?? "", visitor_id: other.id }),
    ).rejects.toMatchObject({
      code: "SESSION_OF_ANOTHER_VISITOR",
    });
  });

  it("completes and stores the reply when the listener disconnects", async () => {
    const { deps, ids } = await newChat();
    fake.queue({ kind: "stream", chunks: ["a", "b", "c", "d", "e"], delayMs: 30 });
    const started = await startChat(deps, { ...ids, message: "q" });
    for await (const event of chatStreamEvents(started)) if (event.type === "delta") break;
    const outcome = await started.run.outcome;
    expect(outcome).toMatchObject({ ok: true, status: "complete" });
    expect(fake.requests.at(-1)!.aborted).toBe(false);
    expect((await stored(ids.session_id))[1]).toMatchObject({
      status: "complete",
      content: expect.stringMatching(/^abcde/),
    });
  });

  it("stop cancels upstream generation and keeps the partial reply as stopped", async () => {
    const { deps, ids } = await newChat();
    fake.queue({
      kind: "stream",
      chunks: Array.from({ length: 50 }, (_, index) => `t${index} `),
      delayMs: 40,
    });
    const started = await startChat(deps, { ...ids, message: "long answer please" });
    const seen: string[] = [];
    for await (const event of chatStreamEvents(started)) {
      if (event.type === "delta") seen.push(event.text);
      if (seen.length === 3) break;
    }
    const stopped = await stopReply(deps, { id: started.assistantMessage.id, visitor_id: ids.visitor_id });
    expect(stopped.status).toBe("stopped");
    expect(stopped.content.startsWith("t0 t1 t2 ")).toBe(true);
    expect(stopped.content).not.toContain("t49");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests.at(-1)!.aborted, "the upstream request was cancelled").toBe(true);
    expect((await stored(ids.session_id))[1]).toEqual({
      role: "assistant",
      content: stopped.content,
      status: "stopped",
    });

    // A stopped reply can be retried.
    const retried = await retry(deps, { id: started.assistantMessage.id, visitor_id: ids.visitor_id });
    expect(retried.assistant_message?.status).toBe("complete");
  });

  it("a reply stopped from another instance (marked in the database) cancels upstream at its next save", async () => {
    const { deps, ids } = await newChat();
    fake.queue({
      kind: "stream",
      chunks: Array.from({ length: 100 }, (_, index) => `w${index} `),
      delayMs: 30,
    });
    const started = await startChat(deps, { ...ids, message: "long" });
    // (Prisma queries run when awaited: a bare `void db.…` would never execute.)
    setTimeout(async () => {
      await database().db.message.updateMany({
        where: { id: started.assistantMessage.id },
        data: { status: "stopped" },
      });
    }, 200);
    const outcome = await started.run.outcome;
    expect(outcome).toMatchObject({ ok: true, status: "stopped" });
    expect(outcome.content).not.toContain("w99");
    const row = await database().db.message.findUniqueOrThrow({ where: { id: started.assistantMessage.id } });
    expect(row).toMatchObject({ status: "stopped", content: outcome.content });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests.at(-1)!.aborted).toBe(true);
  });
});
