import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import MiniSearch from "minisearch";
import type { MessageSource } from "../messages/message.schema";
import { HANDOFF_TEXT, notFoundReply, smallTalkReply } from "./fallback-replies";
import type { AnswerKind, Responder, ResponderInput, ResponderReply } from "./responder";
import { indexTerm, queryTerms, smallTalk, words } from "./text-terms";

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

/**
 * The confidence a passage needs to be used as an answer (0–1: the IDF-weighted share of the question's topic
 * terms the passage covers, see KnowledgeBase.search). Tuned with content/eval/questions.json
 * (bench/retrieval.ts, tests/retrieval-eval.test.ts).
 */
export const CONFIDENCE_THRESHOLD = 0.62;

/** A passage found for a question, with its confidence (0–1). */
export interface KnowledgeHit {
  passage: KnowledgePassage;
  score: number;
}

/**
 * Where a responder gets the knowledge base it answers from: a fixed one (files, tests), or the live one that
 * follows the database (src/server/chat/knowledge/live-knowledge.ts).
 */
export interface KnowledgeSource {
  current(): Promise<KnowledgeBase>;
}

/**
 * Semantic search over the passages (embeddings, src/server/chat/knowledge/embeddings.ts): for a question, each
 * passage id with its similarity (cosine, -1–1), best first.
 */
export interface SemanticIndex {
  rank(question: string): Promise<{ id: string; similarity: number }[]>;
  /** The similarity at which a passage counts as confident on its own. */
  readonly minSimilarity: number;
}

/** Reciprocal-rank fusion constant (the usual 60: ranks far down either list barely count). */
const RRF_K = 60;

export function isKnowledgeSource(value: KnowledgeBase | KnowledgeSource): value is KnowledgeSource {
  return !(value instanceof KnowledgeBase);
}

/** A prefix or fuzzy match (not the exact stemmed word) counts this much towards a passage's coverage. */
const INEXACT_MATCH_CREDIT = 0.6;

/** The weight of a synonym in the BM25 ranking, relative to the visitor's own word. */
const SYNONYM_BOOST = 0.7;

export class KnowledgeBase {
  private readonly index: MiniSearch<KnowledgePassage>;
  private readonly byId: Map<string, KnowledgePassage>;
  /** In how many passages each index term occurs. */
  private readonly documentFrequency = new Map<string, number>();
  readonly articles: string[];
  /** Set when embeddings are configured: search() then fuses lexical and semantic ranks (find()). */
  semantic: SemanticIndex | undefined;

  constructor(readonly passages: KnowledgePassage[]) {
    this.index = new MiniSearch<KnowledgePassage>({
      fields: ["section", "text", "article"],
      storeFields: [],
      tokenize: words,
      processTerm: indexTerm,
      // An article's introduction has the article title as its section: index that title once, as the article.
      extractField: (passage, field) =>
        field === "section" && passage.section === passage.article
          ? ""
          : String(passage[field as keyof KnowledgePassage]),
      searchOptions: {
        boost: { section: 3, article: 1.5 },
        // Query terms arrive already stemmed (queryTerms): keep them as they are.
        processTerm: (term) => term,
        prefix: (term) => term.length >= 5,
        fuzzy: (term) => (term.length >= 5 ? 0.3 : false),
        maxFuzzy: 2,
        combineWith: "OR",
      },
    });
    this.index.addAll(passages);
    this.byId = new Map(passages.map((passage) => [passage.id, passage]));
    this.articles = [...new Set(passages.map((passage) => passage.article))];
    for (const passage of passages) {
      const terms = new Set(
        words(`${passage.article} ${passage.section} ${passage.text}`)
          .map(indexTerm)
          .filter((term): term is string => term !== null),
      );
      for (const term of terms) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    }
  }

  private idf(term: string): number {
    return Math.log(1 + this.passages.length / (1 + (this.documentFrequency.get(term) ?? 0)));
  }

  /**
   * Passages for a question, best first, each with a confidence: the share of the question's topic terms
   * (IDF-weighted, so rare words count most and words the articles never use count fully against) that the
   * passage contains, directly or through a synonym. Ranked by BM25 score times that share, squared.
   */
  rank(question: string): KnowledgeHit[] {
    const terms = queryTerms(question);
    if (terms.length === 0) return [];
    const groups = terms.map(({ term, alternatives }) => {
      const members = [term, ...alternatives];
      const known = members.filter((member) => this.documentFrequency.has(member));
      const weight = known.length > 0 ? Math.max(...known.map((member) => this.idf(member))) : this.idf(term);
      return { members, weight: Math.max(weight, this.idf(term) * 0.5) };
    });
    const total = groups.reduce((sum, group) => sum + group.weight, 0);
    const originals = new Set(terms.map(({ term }) => term));
    const hits = this.index.search(groups.flatMap((group) => group.members).join(" "), {
      // A synonym counts for less than the visitor's own word.
      boostTerm: (term) => (originals.has(term) ? 1 : SYNONYM_BOOST),
    });
    return hits
      .map((hit) => {
        const exact = new Set(Object.keys(hit.match));
        const matchedQuery = new Set(hit.queryTerms);
        let covered = 0;
        for (const group of groups) {
          if (group.members.some((member) => exact.has(member))) covered += group.weight;
          else if (group.members.some((member) => matchedQuery.has(member)))
            covered += group.weight * INEXACT_MATCH_CREDIT;
        }
        const coverage = covered / total;
        return { id: String(hit.id), coverage, rankScore: hit.score * coverage * coverage };
      })
      .sort((a, b) => b.rankScore - a.rankScore)
      .map(({ id, coverage }) => ({ passage: this.byId.get(id), score: coverage }))
      .filter((hit): hit is KnowledgeHit => hit.passage !== undefined);
  }

  /**
   * The passages confident enough to answer from, best first: the top one if it reaches the threshold, and
   * those ranked close behind it that reach it too. Empty when the help articles do not cover the question.
   */
  search(query: string, limit: number, threshold = CONFIDENCE_THRESHOLD): KnowledgeHit[] {
    const hits = this.rank(query);
    const best = hits[0];
    if (!best || best.score < threshold) return [];
    return hits
      .filter((hit) => hit.score >= threshold && hit.score >= best.score * RELATED_MIN_SHARE)
      .slice(0, limit);
  }

  /**
   * search(), hybrid when a semantic index is attached: lexical and semantic ranks fused by reciprocal rank
   * (1/(60+rank) summed over both lists). A passage's confidence is the larger of its lexical coverage and its
   * similarity rescaled so that the semantic threshold meets the lexical one; the same threshold then decides.
   * Without embeddings this is exactly search().
   */
  async find(query: string, limit: number, threshold = CONFIDENCE_THRESHOLD): Promise<KnowledgeHit[]> {
    const semantic = this.semantic;
    if (!semantic) return this.search(query, limit, threshold);
    const lexical = this.rank(query);
    const similar = await semantic.rank(query);
    const fused = new Map<string, { passage: KnowledgePassage; rrf: number; score: number }>();
    lexical.forEach((hit, index) => {
      fused.set(hit.passage.id, { passage: hit.passage, rrf: 1 / (RRF_K + index + 1), score: hit.score });
    });
    similar.forEach(({ id, similarity }, index) => {
      const passage = this.byId.get(id);
      if (!passage) return;
      const confidence = Math.min(1, (similarity / semantic.minSimilarity) * threshold);
      const entry = fused.get(id) ?? { passage, rrf: 0, score: 0 };
      entry.rrf += 1 / (RRF_K + index + 1);
      entry.score = Math.max(entry.score, confidence);
      fused.set(id, entry);
    });
    const hits = [...fused.values()].sort((a, b) => b.rrf - a.rrf);
    const best = hits.find((hit) => hit.score >= threshold);
    if (!best) return [];
    return hits
      .filter((hit) => hit.score >= threshold && hit.score >= best.score * RELATED_MIN_SHARE)
      .slice(0, limit)
      .map(({ passage, score }) => ({ passage, score }));
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

/** A passage as a message source: "Article › Section", its link, and the confidence it was found with. */
export function passageSource(hit: KnowledgeHit): MessageSource {
  const { passage } = hit;
  return {
    title: passage.section === passage.article ? passage.article : `${passage.article} › ${passage.section}`,
    url: passageUrl(passage),
    score: Math.round(hit.score * 1000) / 1000,
  };
}

/**
 * "Can I talk to a person / human / agent?": the knowledge base cannot answer that, a person can. (When no
 * article answers a question, the not-found reply offers the same: NOT_FOUND_OFFER, and the widget's "Talk to a
 * person" control is always there.)
 */
export function asksForPerson(message: string): boolean {
  return /\b(talk|speak|chat|connect)\b.{0,30}\b(person|human|agent|someone|somebody|operator|support team)\b/i.test(
    message,
  );
}

/** The embedded default: replies with the best-matching passage; its sources are that passage and close ones. */
export class KnowledgeBaseResponder implements Responder {
  readonly name = "knowledge-base";

  constructor(
    private readonly knowledge: KnowledgeBase | KnowledgeSource,
    private readonly options: { chunkDelayMs: number },
  ) {}

  /** The composed reply (whole), its sources and kind, for a message, from a fixed knowledge base (lexical only). */
  answer(message: string): { text: string; sources: MessageSource[]; kind: AnswerKind } {
    if (isKnowledgeSource(this.knowledge))
      throw new Error("answer() needs a fixed KnowledgeBase: use reply()");
    return compose(message, this.knowledge, smallTalk(message) ? [] : this.knowledge.search(message, 3));
  }

  reply(input: ResponderInput): ResponderReply {
    if (asksForPerson(input.message)) {
      return {
        deltas: typeOut(HANDOFF_TEXT, input.signal, this.options.chunkDelayMs),
        sources: () => [],
        handoff: () => true,
      };
    }
    let sources: MessageSource[] = [];
    let kind: AnswerKind | undefined;
    const { knowledge, options } = this;
    async function* deltas(): AsyncIterable<string> {
      const base = isKnowledgeSource(knowledge) ? await knowledge.current() : knowledge;
      const hits = smallTalk(input.message) ? [] : await base.find(input.message, 3);
      const answer = compose(input.message, base, hits);
      sources = answer.sources;
      kind = answer.kind;
      yield* typeOut(answer.text, input.signal, options.chunkDelayMs);
    }
    return { deltas: deltas(), sources: () => sources, answerKind: () => kind ?? "no_answer" };
  }
}

function compose(
  message: string,
  knowledge: KnowledgeBase,
  hits: KnowledgeHit[],
): { text: string; sources: MessageSource[]; kind: AnswerKind } {
  const talk = smallTalk(message);
  if (talk) return { text: smallTalkReply(talk), sources: [], kind: "small_talk" };
  const [best] = hits;
  if (!best) return { text: notFoundReply(knowledge.articles), sources: [], kind: "no_answer" };
  const { passage } = best;
  const text = [`**${passage.section}** — *${passage.article}*`, "", passage.text].join("\n");
  return { text, sources: hits.map(passageSource), kind: "answered" };
}

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind (one reply sleeps many times). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
