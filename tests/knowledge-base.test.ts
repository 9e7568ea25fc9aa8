import { getEventListeners } from "node:events";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ANSWER_MAX_CHARS,
  excerpt,
  KnowledgeBase,
  KnowledgeBaseResponder,
  loadKnowledge,
  parseArticle,
  typeOut,
} from "~/server/chat/responder/knowledge-base";
import { MAX_PASSAGE_CHARS } from "~/server/chat/responder/passages";

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

  it("falls back to an honest reply, listing at most 5 topics, the closest ones", async () => {
    const { text } = await replyTo("qwxzv plorkt");
    expect(text).toBe(
      "I couldn't find that in our help articles. Could you rephrase your question, or ask to talk to a person?",
    );
    const near = await replyTo("can I pay for a premium widget licence");
    expect(near.text).toMatch(/^I couldn't find that in our help articles\. .*talk to a person/);
    const topics = /I can help with: (.+)\.$/.exec(near.text)?.[1]?.split(" · ") ?? [];
    expect(topics.length).toBeGreaterThan(0);
    expect(topics.length).toBeLessThanOrEqual(5);
    expect(topics).toContain("Embedding the chat widget on your website");
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

  it("splits an article into titled passages with their heading path and summary", () => {
    const parsed = parseArticle(
      "a.md",
      "# Title\n\nIntro text.\n\n## First\n\nOne.\n\n### Deeper\n\n```sh\n# a comment, not a heading\nrm -rf x\n```\n\n## Second\nTwo.\n",
    );
    const common = { article_slug: "a", article: "Title", summary: "Intro text." };
    expect(parsed).toEqual([
      { id: "a.md#0", ...common, section: "Title", headings: [], text: "Intro text." },
      { id: "a.md#1", ...common, section: "First", headings: ["First"], text: "One." },
      {
        id: "a.md#2",
        ...common,
        section: "Deeper",
        headings: ["First", "Deeper"],
        text: "```sh\n# a comment, not a heading\nrm -rf x\n```",
      },
      { id: "a.md#3", ...common, section: "Second", headings: ["Second"], text: "Two." },
    ]);
  });

  it("keeps every passage within MAX_PASSAGE_CHARS, cut at paragraph boundaries, losing no text", () => {
    const paragraphs = Array.from(
      { length: 40 },
      (_, index) => `Paragraph ${index} ${"word ".repeat(30).trim()}.`,
    );
    const long = `${"x".repeat(2_500)}`;
    const parsed = parseArticle("b.md", `# Long\n\n## Section\n\n${paragraphs.join("\n\n")}\n\n${long}\n`);
    expect(parsed.length).toBeGreaterThan(5);
    for (const passage of parsed) expect(passage.text.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
    const joined = parsed.map((passage) => passage.text).join("\n\n");
    for (const paragraph of paragraphs) expect(joined).toContain(paragraph);
    expect(joined.replace(/\s/g, "")).toContain(long);
  });

  it("quotes at most ANSWER_MAX_CHARS of a passage, whole paragraphs first", () => {
    const text = ["A".repeat(300), "B".repeat(300), "C".repeat(300)].join("\n\n");
    expect(excerpt(text)).toBe(["A".repeat(300), "B".repeat(300)].join("\n\n"));
    const one = excerpt("word ".repeat(400));
    expect(one.length).toBeLessThanOrEqual(ANSWER_MAX_CHARS);
    expect(one.endsWith("…")).toBe(true);
  });

  it("answers with a bounded quote of the best passage, never a whole long section", async () => {
    for (const question of ["How do I add the chat to my website?", "where is my data stored"]) {
      const { text } = await replyTo(question);
      expect(text.length).toBeLessThanOrEqual(ANSWER_MAX_CHARS + 200);
    }
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
