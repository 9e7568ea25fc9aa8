import { getEventListeners } from "node:events";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  KnowledgeBase,
  KnowledgeBaseResponder,
  loadKnowledge,
  parseArticle,
  typeOut,
} from "~/server/chat/responder/knowledge-base";

const passages = loadKnowledge(path.resolve("content/knowledge"));
const responder = new KnowledgeBaseResponder(new KnowledgeBase(passages), { chunkDelayMs: 0 });

async function replyTo(message: string): Promise<{ text: string; chunks: string[] }> {
  const chunks: string[] = [];
  const reply = responder.reply({ history: [], message, signal: new AbortController().signal });
  for await (const chunk of reply.deltas) {
    chunks.push(chunk);
  }
  return { text: chunks.join(""), chunks };
}

describe("knowledge-base responder", () => {
  it("indexes every section of the shipped articles", () => {
    expect(passages.length).toBeGreaterThanOrEqual(20);
    expect(new Set(passages.map((passage) => passage.article)).size).toBe(5);
  });

  it.each([
    ["How do I add the chat to my website?", /embed/i],
    ["how to delete a conversation", /delete/i],
    ["visitor not found error", /Visitor not found/],
    ["server sent events streaming", /stream/i],
    ["where is my data stored", /stor/i],
  ])("answers %j with the matching section, titled", async (question, expected) => {
    const { text } = await replyTo(question);
    const firstLine = text.split("\n")[0] ?? "";
    expect(firstLine).toMatch(/^\*\*.+\*\* — \*.+\*$/);
    expect(firstLine).toMatch(expected);
  });

  it("streams the reply in several chunks that add up to the whole answer", async () => {
    const question = "How do I stop a reply?";
    const { text, chunks } = await replyTo(question);
    expect(chunks.length).toBeGreaterThan(3);
    expect(text).toBe(responder.answer(question).text);
  });

  it("falls back to an honest reply with a list of topics when nothing matches", async () => {
    const { text } = await replyTo("qwxzv plorkt");
    expect(text).toMatch(/^I couldn't find that in our help articles\. .*talk to a person/);
    for (const article of new Set(passages.map((passage) => passage.article)))
      expect(text).toContain(article);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    for await (const chunk of responder.reply({
      history: [],
      message: "embed widget",
      signal: controller.signal,
    }).deltas) {
      chunks.push(chunk);
      controller.abort();
    }
    expect(chunks).toHaveLength(1);
  });

  it("splits an article into titled sections", () => {
    const parsed = parseArticle("a.md", "# Title\n\nIntro text.\n\n## First\n\nOne.\n\n## Second\nTwo.\n");
    expect(parsed).toEqual([
      { id: "a.md#intro", article_slug: "a", article: "Title", section: "Title", text: "Intro text." },
      { id: "a.md#0", article_slug: "a", article: "Title", section: "First", text: "One." },
      { id: "a.md#1", article_slug: "a", article: "Title", section: "Second", text: "Two." },
    ]);
  });
});

describe("typeOut pacing", () => {
  it("leaves no abort listener behind per chunk (a long paced reply used to pile them up on the signal)", async () => {
    const controller = new AbortController();
    const text = Array.from({ length: 60 }, (_, index) => `word${index}`).join(" ");
    const chunks: string[] = [];
    for await (const chunk of typeOut(text, controller.signal, 1)) {
      chunks.push(chunk);
      expect(getEventListeners(controller.signal, "abort").length).toBeLessThanOrEqual(1);
    }
    expect(chunks.join("")).toBe(text);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("still stops promptly when aborted mid-pause", async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    for await (const chunk of typeOut("one two three four five six seven", controller.signal, 10_000)) {
      chunks.push(chunk);
      controller.abort();
    }
    expect(chunks).toEqual(["one two three "]);
  });
});
