import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import MiniSearch from "minisearch";
import type { Responder, ResponderInput } from "./responder";

/**
 * The help articles (content/knowledge/*.md) as searchable passages: each `## ` section is one passage,
 * indexed with MiniSearch (BM25 ranking, prefix and fuzzy matching). Both responders use it: the embedded
 * default quotes the best passage; the LLM responder grounds its prompt in the top ones.
 */
export interface KnowledgePassage {
  id: string;
  /** The article's file name without .md: its page is /help/<article_slug>. */
  article_slug: string;
  article: string;
  section: string;
  text: string;
}

/** URL-safe anchor of a heading, as the help pages render it. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{Letter}\p{Number}]+/gu, "-")
    .replace(/^-|-$/g, "");
}

/** Where a passage can be read in full. */
export function passageUrl(passage: KnowledgePassage): string {
  return passage.section === passage.article
    ? `/help/${passage.article_slug}`
    : `/help/${passage.article_slug}#${headingAnchor(passage.section)}`;
}

export function parseArticle(file: string, markdown: string): KnowledgePassage[] {
  const article_slug = path.basename(file, ".md");
  const article = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? article_slug;
  const passages: KnowledgePassage[] = [];
  const parts = markdown.split(/^##\s+/m);
  const intro = parts[0]?.replace(/^#\s+.+$/m, "").trim();
  if (intro) passages.push({ id: `${file}#intro`, article_slug, article, section: article, text: intro });
  for (const [index, part] of parts.slice(1).entries()) {
    const newline = part.indexOf("\n");
    const section = (newline === -1 ? part : part.slice(0, newline)).trim();
    const text = newline === -1 ? "" : part.slice(newline + 1).trim();
    if (text) passages.push({ id: `${file}#${index}`, article_slug, article, section, text });
  }
  return passages;
}

export function loadKnowledge(directory: string): KnowledgePassage[] {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith(".md"))
    .sort();
  return files.flatMap((file) => parseArticle(file, readFileSync(path.join(directory, file), "utf8")));
}

/** Below this share of the best score, a passage is too weak to offer alongside it. */
const RELATED_MIN_SHARE = 0.5;

export class KnowledgeBase {
  private readonly index: MiniSearch<KnowledgePassage>;
  private readonly byId: Map<string, KnowledgePassage>;
  readonly articles: string[];

  constructor(readonly passages: KnowledgePassage[]) {
    this.index = new MiniSearch<KnowledgePassage>({
      fields: ["section", "text", "article"],
      storeFields: [],
      searchOptions: { boost: { section: 3, article: 1.5 }, prefix: true, fuzzy: 0.2, combineWith: "OR" },
    });
    this.index.addAll(passages);
    this.byId = new Map(passages.map((passage) => [passage.id, passage]));
    this.articles = [...new Set(passages.map((passage) => passage.article))];
  }

  /** The best passages for a question, best first: the top one and those scoring close to it. */
  search(query: string, limit: number): KnowledgePassage[] {
    const hits = this.index.search(query);
    const best = hits[0];
    if (!best) return [];
    return hits
      .filter((hit) => hit.score >= best.score * RELATED_MIN_SHARE)
      .slice(0, limit)
      .map((hit) => this.byId.get(String(hit.id)))
      .filter((passage): passage is KnowledgePassage => passage !== undefined);
  }
}

/** Streams `text` as it would be typed: words with their trailing whitespace, a few at a time. */
export async function* typeOut(text: string, signal: AbortSignal, delayMs: number): AsyncIterable<string> {
  const tokens = text.match(/\S+\s*|\s+/g) ?? [];
  for (let index = 0; index < tokens.length; index += 3) {
    if (signal.aborted) return;
    if (index > 0 && delayMs > 0) await sleep(delayMs, signal);
    yield tokens.slice(index, index + 3).join("");
  }
}

/** The embedded default: replies with the best-matching passage, titled and linked, and names related ones. */
export class KnowledgeBaseResponder implements Responder {
  readonly name = "knowledge-base";

  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly options: { chunkDelayMs: number },
  ) {}

  /** The composed reply (whole), for a message. */
  answer(message: string): string {
    const [passage, ...related] = this.knowledge.search(message, 3);
    if (!passage) {
      return [
        "I couldn't find anything about that in the help articles.",
        "",
        "You can ask me about:",
        ...this.knowledge.articles.map((article) => `- ${article}`),
        "",
        "Try a few keywords, for example *embed the widget* or *delete a conversation*.",
      ].join("\n");
    }
    const lines = [`**${passage.section}** — *${passage.article}*`, "", passage.text];
    if (related.length > 0) {
      lines.push(
        "",
        "Related:",
        ...related.map((item) => `- [${item.section}](${passageUrl(item)}) (*${item.article}*)`),
      );
    }
    lines.push("", `Source: [${passage.article}](${passageUrl(passage)})`);
    return lines.join("\n");
  }

  reply(input: ResponderInput): AsyncIterable<string> {
    return typeOut(this.answer(input.message), input.signal, this.options.chunkDelayMs);
  }
}

/** Waits `ms`, or until `signal` aborts. Removes its abort listener either way (one sleep per chunk). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
