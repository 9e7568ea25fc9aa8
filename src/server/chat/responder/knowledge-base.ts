import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import MiniSearch from "minisearch";
import type { Responder, ResponderInput } from "./responder";

/**
 * The embedded default responder: answers from markdown articles (content/knowledge/*.md) by full-text search
 * (MiniSearch: BM25 ranking, prefix and fuzzy matching). Each `## ` section is one searchable passage; the reply
 * quotes the best passage with its article and section title, and names the next best ones.
 */
export interface KnowledgePassage {
  id: string;
  article: string;
  section: string;
  text: string;
}

export function parseArticle(file: string, markdown: string): KnowledgePassage[] {
  const article = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? path.basename(file, ".md");
  const passages: KnowledgePassage[] = [];
  const parts = markdown.split(/^##\s+/m);
  const intro = parts[0]?.replace(/^#\s+.+$/m, "").trim();
  if (intro) passages.push({ id: `${file}#intro`, article, section: article, text: intro });
  for (const [index, part] of parts.slice(1).entries()) {
    const newline = part.indexOf("\n");
    const section = (newline === -1 ? part : part.slice(0, newline)).trim();
    const text = newline === -1 ? "" : part.slice(newline + 1).trim();
    if (text) passages.push({ id: `${file}#${index}`, article, section, text });
  }
  return passages;
}

export function loadKnowledge(directory: string): KnowledgePassage[] {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith(".md"))
    .sort();
  return files.flatMap((file) => parseArticle(file, readFileSync(path.join(directory, file), "utf8")));
}

/** Below this share of the best score, a passage is too weak to mention as related. */
const RELATED_MIN_SHARE = 0.5;

export class KnowledgeBaseResponder implements Responder {
  readonly name = "knowledge-base";
  private readonly index: MiniSearch<KnowledgePassage>;
  private readonly articles: string[];

  constructor(
    private readonly passages: KnowledgePassage[],
    private readonly options: { chunkDelayMs: number },
  ) {
    this.index = new MiniSearch<KnowledgePassage>({
      fields: ["section", "text", "article"],
      storeFields: ["article", "section", "text"],
      searchOptions: { boost: { section: 3, article: 1.5 }, prefix: true, fuzzy: 0.2, combineWith: "OR" },
    });
    this.index.addAll(passages);
    this.articles = [...new Set(passages.map((passage) => passage.article))];
  }

  /** The composed reply (whole), for a message. */
  answer(message: string): string {
    const hits = this.index.search(message);
    const best = hits[0];
    const passage = best && this.passages.find((candidate) => candidate.id === best.id);
    if (!best || !passage) {
      return [
        "I couldn't find anything about that in the help articles.",
        "",
        "You can ask me about:",
        ...this.articles.map((article) => `- ${article}`),
        "",
        "Try a few keywords, for example *embed the widget* or *delete a conversation*.",
      ].join("\n");
    }
    const related = hits
      .slice(1)
      .filter((hit) => hit.score >= best.score * RELATED_MIN_SHARE && hit.id !== best.id)
      .map((hit) => this.passages.find((candidate) => candidate.id === hit.id))
      .filter((candidate): candidate is KnowledgePassage => candidate !== undefined)
      .slice(0, 2);
    const lines = [`**${passage.section}** — *${passage.article}*`, "", passage.text];
    if (related.length > 0) {
      lines.push("", "Related:", ...related.map((item) => `- ${item.section} (*${item.article}*)`));
    }
    return lines.join("\n");
  }

  async *reply(input: ResponderInput): AsyncIterable<string> {
    // Words with their trailing whitespace, a few at a time: streamed like typing, markdown intact.
    const tokens = this.answer(input.message).match(/\S+\s*|\s+/g) ?? [];
    for (let index = 0; index < tokens.length; index += 3) {
      if (input.signal.aborted) return;
      if (index > 0 && this.options.chunkDelayMs > 0) await sleep(this.options.chunkDelayMs, input.signal);
      yield tokens.slice(index, index + 3).join("");
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
