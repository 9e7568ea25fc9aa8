import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import MiniSearch from "minisearch";
import type { MessageSource } from "../messages/message.schema";
import { handoffText, notFoundReply, replyLanguage, smallTalkReply } from "./fallback-replies";
import { documentFrequencies, packPostings, PostingsCollector } from "./packed-index";
import { splitArticle, type KnowledgePassage } from "./passages";
import type { AnswerKind, Responder, ResponderInput, ResponderReply } from "./responder";
import {
  asksForPerson,
  detectLanguage,
  indexTerm,
  queryTerms,
  smallTalk,
  smallTalkLanguage,
  words,
  type Language,
} from "./text-terms";

export { asksForPerson } from "./text-terms";
export type { KnowledgePassage } from "./passages";

/**
 * The help articles as searchable passages of bounded size (passages.ts: at most 1,000 characters, cut at
 * paragraph, list and code boundaries, each with its page title and heading path), ranked with MiniSearch's
 * BM25 (length-normalized) over four weighted fields: the page title, the heading path, the page's summary and
 * the passage's text. Pages are ranked by their best passage. The confidence that decides whether to answer is
 * the IDF-weighted share of the question's terms that the best passage (with its title and headings) contains:
 * words the articles never use count fully against, so a question about something else is declined; as passages
 * are bounded, a long section cannot win by size. Both responders use it: the embedded default quotes the best
 * passage (at most ANSWER_MAX_CHARS); the LLM responder grounds its prompt in the top passages.
 */

/** URL-safe anchor of a heading, as the help pages render it. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{Letter}\p{Number}]+/gu, "-")
    .replace(/^-|-$/g, "");
}

/** Where a passage can be read in full. */
export function passageUrl(passage: KnowledgePassage): string {
  return passage.headings.length === 0
    ? `/help/${passage.article_slug}`
    : `/help/${passage.article_slug}#${headingAnchor(passage.section)}`;
}

/** A markdown file (`<slug>.md`, with its `# Title`) as passages. */
export function parseArticle(file: string, markdown: string): KnowledgePassage[] {
  const slug = path.basename(file, ".md");
  return splitArticle(slug, markdown, file);
}

export function loadKnowledge(directory: string): KnowledgePassage[] {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith(".md"))
    .sort();
  return files.flatMap((file) => parseArticle(file, readFileSync(path.join(directory, file), "utf8")));
}

/**
 * The page a passage belongs to: its article, or for the parts of a long page that the import split into
 * "Title (part n)" articles (slug `…-part-n`), the page they came from — parts rank and are listed as one page.
 */
export function pageOf(passage: KnowledgePassage): string {
  return /\(part \d+\)$/.test(passage.article)
    ? passage.article_slug.replace(/-part-\d+$/, "")
    : passage.article_slug;
}

/** Below this share of the best confidence, a page is too weak to offer alongside it. */
const RELATED_MIN_SHARE = 0.75;

/**
 * The confidence a passage needs to be used as an answer (0–1: the IDF-weighted share of the question's terms
 * it covers, see KnowledgeBase.rank). One general constant, not fitted to one set of articles: bench/RESULTS.md
 * has its effect on two real documentation sets (bench/answers-eval.ts) and on content/eval/questions.json.
 */
export const CONFIDENCE_THRESHOLD = 0.5;

/** The most a reply quotes from a passage. */
export const ANSWER_MAX_CHARS = 800;

export interface SearchOptions {
  /** The question's language, when known (else detected). */
  language?: Language | null;
  /** Passages of one page among the results (default 1: sources name distinct pages; an LLM gets more). */
  perPage?: number;
}

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
  /**
   * When set, a question whose best similarity is below it is declined whatever words it shares with the
   * articles (the embedded model: off-topic questions share words like "order" or "account" with many docs).
   */
  readonly floor?: number;
  /** The languages the model understands (unset: any); a question in another is ranked lexically only. */
  readonly languages?: readonly Language[];
  /**
   * When set, the ranking stays lexical and the model only decides whether to answer (the embedded model,
   * bench/RESULTS.md "packaged sentence models and ranking methods"): under `floor` the question is declined; at
   * `minSimilarity` or more it is answered from the lexical ranking even when the lexical confidence is under
   * the threshold (from the passages by similarity when no word matches); in between, the lexical threshold decides.
   */
  readonly lexicalRanking?: boolean;
}

/** Reciprocal-rank fusion constant (the usual 60: ranks far down either list barely count). */
const RRF_K = 60;

export function isKnowledgeSource(value: KnowledgeBase | KnowledgeSource): value is KnowledgeSource {
  return !(value instanceof KnowledgeBase);
}

/** A prefix match (not the exact stemmed word) counts this much towards a passage's coverage. */
const PREFIX_MATCH_CREDIT = 0.5;

/** The weight of a page's second and third best passages relative to the one before (see rank). */
const PAGE_DECAY = 0.5;

/**
 * BM25's parameters: the textbook values (Robertson & Zaragoza's k1 1.2, b 0.75) without BM25+'s lower bound
 * (MiniSearch's default adds δ 0.5 to every matched term's score, which lets a long passage that repeats the
 * question's words keep up with a short one that has them). Chosen from the literature, not fitted: on the two
 * real documentation sets (bench/answers-eval.ts) a sweep of k1 0.9–2 and b 0.5–0.9 moved right-page-first by at
 * most one question; δ 0 vs 0.5 is the one that counted (bench/RESULTS.md, "Ranking methods from the literature").
 */
export const BM25_PARAMETERS = { k: 1.2, b: 0.75, d: 0 };

/** Field weights of the BM25 ranking: a word in the page title or a heading says more than one in the text. */
const FIELD_BOOST = { article: 3, headings: 2, summary: 1.5, text: 1 };

/**
 * How long KnowledgeBase.build works before letting other callbacks run (replies, requests): the index of 1,000
 * articles takes seconds of CPU, spread over turns of the event loop (bench/knowledge-memory.ts).
 */
const BUILD_SLICE_MS = 8;
/** The fields whose words count for a term's document frequency (the summary is the page's, not the passage's). */
const FREQUENCY_FIELDS = ["article", "headings", "text"] as const;
/** Articles whose language is detected to tell the knowledge base's language. */
const LANGUAGE_SAMPLE = 60;

/** Lets other callbacks (replies, requests) run. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The language most of the passages are written in (detected on a sample of each article's text). */
export function dominantLanguage(passages: readonly KnowledgePassage[]): Language {
  return runThrough(dominantLanguageSteps(passages));
}

/** dominantLanguage, yielding after each sample (detecting one costs a few ms; see KnowledgeBase.build). */
function* dominantLanguageSteps(passages: readonly KnowledgePassage[]): Generator<void, Language> {
  const counts = new Map<Language, number>();
  const seen = new Set<string>();
  // The first passage of each article; at most LANGUAGE_SAMPLE articles, spread over all of them.
  const firsts = passages.filter((passage) => {
    if (seen.has(passage.article_slug)) return false;
    seen.add(passage.article_slug);
    return true;
  });
  const step = Math.max(1, Math.ceil(firsts.length / LANGUAGE_SAMPLE));
  for (let index = 0; index < firsts.length; index += step) {
    const passage = firsts[index]!;
    const language = detectLanguage(`${passage.article}. ${passage.summary} ${passage.text}`.slice(0, 600));
    if (language) counts.set(language, (counts.get(language) ?? 0) + 1);
    yield;
  }
  let best: Language = "en";
  for (const [language, count] of counts) if (count > (counts.get(best) ?? 0)) best = language;
  return best;
}

/** Runs a generator of steps to its end at once; its result. */
function runThrough<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a generator of steps a slice of at most BUILD_SLICE_MS at a time, with a turn of the event loop between. */
async function runSliced<T>(steps: Generator<void, T>): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart < BUILD_SLICE_MS) continue;
    await yieldToLoop();
    sliceStart = performance.now();
  }
}

/** How a KnowledgeBase is indexed (all give the same rankings; tests/knowledge-packed-index.test.ts). */
export interface IndexOptions {
  /** The articles' language (default: detected). */
  language?: Language;
  /** Postings packed into typed arrays (default true); false keeps MiniSearch's maps (tests, --compare). */
  packed?: boolean;
  /**
   * Packs MiniSearch's maps after the build (packPostings) instead of gathering the postings into arrays while
   * indexing (PostingsCollector): the way before, for the tests and bench/knowledge-memory.ts --old.
   */
  packAfterBuild?: boolean;
}

export class KnowledgeBase {
  private readonly index: MiniSearch<KnowledgePassage>;
  private readonly byId: Map<string, KnowledgePassage>;
  /** In how many passages each index term occurs (in the page title, headings or text). */
  private documentFrequency = new Map<string, number>();
  /** Article titles, in order. */
  readonly articles: string[];
  /** The language the articles are written in: their words are stemmed in it, questions too. */
  readonly language: Language;
  /** Whether the index's postings are packed (packed-index.ts; false only with another MiniSearch version). */
  postingsPacked = false;
  /** Set when embeddings are configured: search() then fuses lexical and semantic ranks (find()). */
  semantic: SemanticIndex | undefined;

  /**
   * The knowledge base of `passages`, built a slice of at most BUILD_SLICE_MS at a time with a turn of the event
   * loop between slices, so that a rebuild of a large index never holds replies up for long
   * (bench/knowledge-memory.ts). The caller swaps it in when it resolves; the previous index answers meanwhile.
   */
  static async build(passages: KnowledgePassage[], options: IndexOptions = {}): Promise<KnowledgeBase> {
    const language = options.language ?? (await runSliced(dominantLanguageSteps(passages)));
    const base = new KnowledgeBase(passages, { ...options, language, deferIndex: true });
    await runSliced(base.indexSteps(options.packed ?? true, options.packAfterBuild));
    return base;
  }

  constructor(
    readonly passages: KnowledgePassage[],
    options: IndexOptions & { deferIndex?: boolean } = {},
  ) {
    const language = options.language ?? dominantLanguage(passages);
    this.language = language;
    this.index = new MiniSearch<KnowledgePassage>({
      fields: ["article", "headings", "summary", "text"],
      storeFields: [],
      tokenize: words,
      processTerm: (term) => indexTerm(term, language),
      extractField: (passage, field) =>
        field === "headings"
          ? passage.headings.join(" \n ")
          : String(passage[field as keyof KnowledgePassage]),
      searchOptions: {
        boost: FIELD_BOOST,
        // Query terms arrive already stemmed (queryTerms): keep them as they are.
        processTerm: (term) => term,
        prefix: (term) => term.length >= 5,
        fuzzy: false,
        weights: { fuzzy: 0, prefix: 0.3 },
        combineWith: "OR",
        bm25: BM25_PARAMETERS,
      },
    });
    this.byId = new Map(passages.map((passage) => [passage.id, passage]));
    this.articles = [...new Set(passages.map((passage) => passage.article))];
    if (options.deferIndex) return;
    runThrough(this.indexSteps(options.packed ?? true, options.packAfterBuild));
  }

  /**
   * Indexes the passages with their postings gathered straight into typed arrays (PostingsCollector: the same
   * results in a quarter of the memory, and no millions of short-lived map entries for the garbage collector), or,
   * with `packAfterBuild` or a MiniSearch of another shape, in MiniSearch's maps packed after the build
   * (packPostings); then counts the terms' document frequencies from the postings. Yields between small steps
   * (see build).
   */
  private *indexSteps(packed: boolean, packAfterBuild = false): Generator<void> {
    const collector = packed && !packAfterBuild ? PostingsCollector.install(this.index) : undefined;
    for (const passage of this.passages) {
      this.index.add(passage);
      yield;
    }
    if (collector) {
      const packing = collector.pack();
      let step = packing.next();
      for (; !step.done; step = packing.next()) yield;
      this.postingsPacked = step.value;
    } else if (packed) {
      const packing = packPostings(this.index);
      let step = packing.next();
      for (; !step.done; step = packing.next()) yield;
      this.postingsPacked = step.value;
    }
    const counting = documentFrequencies(this.index, FREQUENCY_FIELDS);
    for (let step = counting.next(); ; step = counting.next()) {
      if (step.done) {
        this.documentFrequency = step.value;
        return;
      }
      yield;
    }
  }

  private idf(term: string): number {
    return Math.log(1 + this.passages.length / (1 + (this.documentFrequency.get(term) ?? 0)));
  }

  /**
   * Passages for a question, best first, each with a confidence: the IDF-weighted share of the question's
   * terms that the passage contains (its text, headings, page title or summary). Terms the articles never use
   * weigh the most, so an off-topic question scores low. Ranked by BM25 score times that share, squared (a
   * passage that matches one frequent word many times does not beat one that matches the question).
   */
  rank(question: string, options: { language?: Language | null } = {}): KnowledgeHit[] {
    const terms = queryTerms(question, { language: options.language, articlesLanguage: this.language });
    if (terms.length === 0) return [];
    const groups = terms.map(({ term, alternatives }) => {
      const members = [term, ...alternatives];
      const weight = Math.max(...members.map((member) => this.idf(member)));
      return { members, weight };
    });
    const total = groups.reduce((sum, group) => sum + group.weight, 0);
    const hits = this.index.search(groups.flatMap((group) => group.members).join(" "));
    const scored = hits
      .map((hit) => {
        const exact = new Set(Object.keys(hit.match));
        const matchedQuery = new Set(hit.queryTerms);
        let covered = 0;
        for (const group of groups) {
          if (group.members.some((member) => exact.has(member))) covered += group.weight;
          else if (group.members.some((member) => matchedQuery.has(member)))
            covered += group.weight * PREFIX_MATCH_CREDIT;
        }
        const coverage = covered / total;
        return {
          passage: this.byId.get(String(hit.id)),
          coverage,
          rankScore: hit.score * coverage * coverage,
        };
      })
      .filter(
        (hit): hit is { passage: KnowledgePassage; coverage: number; rankScore: number } => !!hit.passage,
      );
    // A page's score: its best passage's, plus a share of its next ones (a page that answers in several places
    // is more likely the right one); passages are ordered by their page's score, then their own.
    const byPage = new Map<string, number[]>();
    for (const hit of scored) {
      const page = pageOf(hit.passage);
      const list = byPage.get(page) ?? [];
      list.push(hit.rankScore);
      byPage.set(page, list);
    }
    const pageScore = new Map<string, number>();
    for (const [slug, list] of byPage) {
      const sorted = list.sort((a, b) => b - a);
      pageScore.set(
        slug,
        sorted.slice(0, 3).reduce((sum, value, index) => sum + value * PAGE_DECAY ** index, 0),
      );
    }
    return scored
      .sort(
        (a, b) =>
          pageScore.get(pageOf(b.passage))! - pageScore.get(pageOf(a.passage))! || b.rankScore - a.rankScore,
      )
      .map(({ passage, coverage }) => ({ passage, score: coverage }));
  }

  /** At most `perPage` passages of each page (its best ones), in ranking order. */
  private static bestPerPage(hits: KnowledgeHit[], perPage = 1): KnowledgeHit[] {
    const seen = new Map<string, number>();
    return hits.filter((hit) => {
      const page = pageOf(hit.passage);
      const count = seen.get(page) ?? 0;
      seen.set(page, count + 1);
      return count < perPage;
    });
  }

  /** The confident hits of a ranking: the top one if it reaches the threshold, and close ones, `perPage` a page. */
  private static confident(
    hits: KnowledgeHit[],
    limit: number,
    threshold: number,
    perPage = 1,
  ): KnowledgeHit[] {
    const best = hits[0];
    if (!best || best.score < threshold) return [];
    return KnowledgeBase.bestPerPage(hits, perPage)
      .filter((hit) => hit.score >= threshold && hit.score >= best.score * RELATED_MIN_SHARE)
      .slice(0, limit);
  }

  /**
   * The passages confident enough to answer from, best first, one per page: the top one if it reaches the
   * threshold, and those of other pages ranked close behind it that reach it too. Empty when the help articles
   * do not cover the question.
   */
  search(
    query: string,
    limit: number,
    threshold = CONFIDENCE_THRESHOLD,
    options: SearchOptions = {},
  ): KnowledgeHit[] {
    return KnowledgeBase.confident(this.rank(query, options), limit, threshold, options.perPage);
  }

  /** The titles of the pages closest to a question, whatever their confidence (for "I can help with"). */
  closestArticles(query: string, limit: number): string[] {
    return KnowledgeBase.bestPerPage(this.rank(query))
      .slice(0, limit)
      .map((hit) => hit.passage.article);
  }

  /**
   * search(), hybrid when a semantic index is attached: lexical and semantic ranks fused by reciprocal rank
   * (1/(60+rank) summed over both lists). A passage's confidence is the larger of its lexical coverage and its
   * similarity rescaled so that the semantic threshold meets the lexical one; the same threshold then decides.
   * Without embeddings this is exactly search().
   */
  async find(
    query: string,
    limit: number,
    threshold = CONFIDENCE_THRESHOLD,
    options: SearchOptions = {},
  ): Promise<KnowledgeHit[]> {
    const semantic = this.semantic;
    if (!semantic) return this.search(query, limit, threshold, options);
    if (
      semantic.languages &&
      !semantic.languages.includes(options.language ?? detectLanguage(query) ?? this.language)
    )
      return this.search(query, limit, threshold, options);
    const lexical = this.rank(query, options);
    const similar = await semantic.rank(query);
    if (semantic.floor !== undefined && (similar[0]?.similarity ?? 0) < semantic.floor) return [];
    if (semantic.lexicalRanking) {
      if ((similar[0]?.similarity ?? 0) < semantic.minSimilarity)
        return KnowledgeBase.confident(lexical, limit, threshold, options.perPage);
      // Confident by meaning: the lexical ranking's best pages, whatever their lexical confidence.
      const ranking =
        lexical.length > 0
          ? lexical
          : similar.flatMap(({ id, similarity }) => {
              const passage = this.byId.get(id);
              return passage
                ? [{ passage, score: Math.min(1, (similarity / semantic.minSimilarity) * threshold) }]
                : [];
            });
      return KnowledgeBase.confident(ranking, limit, 0, options.perPage);
    }
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
    const hits = [...fused.values()]
      .sort((a, b) => b.rrf - a.rrf)
      .map(({ passage, score }) => ({ passage, score }));
    const first = hits.findIndex((hit) => hit.score >= threshold);
    return first === -1 ? [] : KnowledgeBase.confident(hits.slice(first), limit, threshold, options.perPage);
  }
}

/**
 * The part of a passage a reply quotes: whole blocks (paragraphs, lists, code) from its start while they fit in
 * `max` characters; a first block longer than that is cut at a line end (or a space) and marked "…".
 */
export function excerpt(text: string, max = ANSWER_MAX_CHARS): string {
  if (text.length <= max) return text;
  const blocks = text.split(/\n{2,}/);
  let out = "";
  for (const block of blocks) {
    const next = out ? `${out}\n\n${block}` : block;
    if (next.length > max) break;
    out = next;
  }
  if (out) return out;
  const cut = text.slice(0, max - 1);
  const at = Math.max(cut.lastIndexOf("\n"), cut.lastIndexOf(" "));
  let piece = cut.slice(0, at > max / 2 ? at : cut.length).trimEnd();
  // Close an open code fence so the quote renders as code.
  if ((piece.match(/^\s*(```|~~~)/gm) ?? []).length % 2 === 1) piece = `${piece.slice(0, max - 6)}\n\`\`\``;
  return `${piece}…`;
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

/** The embedded default: replies with the best-matching passage; its sources are that passage and close ones. */
export class KnowledgeBaseResponder implements Responder {
  readonly name = "knowledge-base";

  constructor(
    private readonly knowledge: KnowledgeBase | KnowledgeSource,
    private readonly options: { chunkDelayMs: number },
  ) {}

  /** The composed reply (whole), its sources and kind, for a message, from a fixed knowledge base (lexical only). */
  answer(
    message: string,
    locale?: string | null,
  ): { text: string; sources: MessageSource[]; kind: AnswerKind } {
    if (isKnowledgeSource(this.knowledge))
      throw new Error("answer() needs a fixed KnowledgeBase: use reply()");
    const language = replyLanguage(message, locale);
    const hits = smallTalk(message) ? [] : this.knowledge.search(message, 3, undefined, { language });
    return compose(message, this.knowledge, hits, language);
  }

  reply(input: ResponderInput): ResponderReply {
    const language = replyLanguage(input.message, input.locale);
    if (asksForPerson(input.message)) {
      return {
        deltas: typeOut(handoffText(language), input.signal, this.options.chunkDelayMs),
        sources: () => [],
        handoff: () => true,
      };
    }
    let sources: MessageSource[] = [];
    let kind: AnswerKind | undefined;
    const { knowledge, options } = this;
    async function* deltas(): AsyncIterable<string> {
      const base = isKnowledgeSource(knowledge) ? await knowledge.current() : knowledge;
      const hits = smallTalk(input.message) ? [] : await base.find(input.message, 3, undefined, { language });
      const answer = compose(input.message, base, hits, language);
      sources = answer.sources;
      kind = answer.kind;
      yield* typeOut(answer.text, input.signal, options.chunkDelayMs);
    }
    return { deltas: deltas(), sources: () => sources, answerKind: () => kind ?? "no_answer" };
  }
}

/**
 * A reply from hits: the best passage's excerpt (at most ANSWER_MAX_CHARS) under its heading, with the hits as
 * sources; or a built-in reply in `language` (small talk; not found, with the closest topics).
 */
function compose(
  message: string,
  knowledge: KnowledgeBase,
  hits: KnowledgeHit[],
  language: Language,
): { text: string; sources: MessageSource[]; kind: AnswerKind } {
  const talk = smallTalk(message);
  if (talk)
    return {
      text: smallTalkReply(talk, smallTalkLanguage(message) ?? language),
      sources: [],
      kind: "small_talk",
    };
  const [best] = hits;
  if (!best) {
    const topics = knowledge.closestArticles(message, 5);
    return { text: notFoundReply(topics, language), sources: [], kind: "no_answer" };
  }
  const { passage } = best;
  const heading =
    passage.section === passage.article
      ? `**${passage.article}**`
      : `**${passage.section}** — *${passage.article}*`;
  // The whole reply, heading included, stays within ANSWER_MAX_CHARS.
  const text = [heading, "", excerpt(passage.text, ANSWER_MAX_CHARS - heading.length - 2)].join("\n");
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
