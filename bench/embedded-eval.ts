/**
 * The embedded sentence model (Universal Sentence Encoder lite, src/server/chat/knowledge/embedded-model.ts)
 * beside the lexical ranking, on the real documentation sets of content/eval (issue 22): right page first and in
 * the top 3 for the lexical ranking alone, the model alone, and fused by reciprocal rank (several k and weights),
 * and the off-topic questions declined by the lexical confidence, a similarity floor, and both. Ranking only:
 * bench/answers-eval.ts asks the responder as the chat does.
 *
 *   npx tsx bench/embedded-eval.ts --cache DIR [--set sqlite|debian-handbook] [--vectors DIR]
 *
 * --cache: the articles saved by `bench/answers-eval.ts --cache DIR` (the app's import of the package's pages).
 * --vectors: keep the passages' vectors there between runs (embedding is the slow part).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { articlePassages } from "~/server/chat/knowledge/articles";
import {
  EMBEDDED_TEXT_CHARS,
  embedWithEmbeddedModel,
  quantizedCosine,
} from "~/server/chat/knowledge/embedded-model";
import { passageEmbeddingText } from "~/server/chat/knowledge/embeddings";
import { KnowledgeBase, CONFIDENCE_THRESHOLD } from "~/server/chat/responder/knowledge-base";
import { parseFlags } from "./lib";

const flags = parseFlags();
if (!flags.cache) throw new Error("--cache DIR (made by bench/answers-eval.ts --cache DIR) is needed");
const sets = flags.set ? [flags.set] : ["sqlite", "debian-handbook"];
const offTopic = (
  JSON.parse(readFileSync(path.resolve("content/eval/off-topic.json"), "utf8")) as { questions: string[] }
).questions;

interface Question {
  q: string;
  expect: string[];
}

function rankPages(scores: Map<string, number>): string[] {
  return [...scores.entries()].sort((a, b) => b[1] - a[1]).map(([page]) => page);
}

async function evaluate(name: string): Promise<void> {
  const set = JSON.parse(readFileSync(path.resolve(`content/eval/${name}.json`), "utf8")) as {
    questions: Question[];
    other_language: (Question & { lang: string })[];
  };
  const articles = JSON.parse(readFileSync(path.join(flags.cache!, `${name}.json`), "utf8")) as {
    slug: string;
    title: string;
    body: string;
    source_url: string;
  }[];
  const fileOf = new Map(
    articles.map((article) => [
      article.slug,
      article.source_url.replace(/^upload:/, "").replace(/#part-\d+$/, ""),
    ]),
  );
  const passages = articles.flatMap((article) => articlePassages(article));
  const base = await KnowledgeBase.build(passages);
  const texts = passages.map((passage) => passageEmbeddingText(passage));
  const vectorFile = flags.vectors
    ? path.join(flags.vectors, `${name}-${EMBEDDED_TEXT_CHARS}.json`)
    : undefined;
  let vectors: Int8Array[];
  const embedStart = performance.now();
  const rssBefore = process.memoryUsage().rss;
  if (vectorFile && existsSync(vectorFile)) {
    vectors = (JSON.parse(readFileSync(vectorFile, "utf8")) as number[][]).map((vector) =>
      Int8Array.from(vector),
    );
  } else {
    vectors = await embedWithEmbeddedModel(texts);
    if (vectorFile) writeFileSync(vectorFile, JSON.stringify(vectors.map((vector) => [...vector])));
  }
  const embedMs = performance.now() - embedStart;
  console.log(
    `\n## ${name}: ${articles.length} articles, ${passages.length} passages; embedding ${(embedMs / 1000).toFixed(1)} s ` +
      `(${(embedMs / passages.length).toFixed(1)} ms a passage), RSS +${((process.memoryUsage().rss - rssBefore) / 1e6).toFixed(0)} MB`,
  );

  interface Ranked {
    lexical: string[];
    semantic: string[];
    coverage: number;
    similarity: number;
    semanticScore: Map<string, number>;
  }
  async function rankings(question: string): Promise<Ranked> {
    const hits = base.rank(question);
    const lexical: string[] = [];
    for (const hit of hits)
      if (!lexical.includes(hit.passage.article_slug)) lexical.push(hit.passage.article_slug);
    const [query] = await embedWithEmbeddedModel([question]);
    const semanticScore = new Map<string, number>();
    passages.forEach((passage, index) => {
      const similarity = quantizedCosine(query!, vectors[index]!);
      if (similarity > (semanticScore.get(passage.article_slug) ?? -1))
        semanticScore.set(passage.article_slug, similarity);
    });
    const semantic = rankPages(semanticScore);
    return {
      lexical,
      semantic,
      coverage: hits[0]?.score ?? 0,
      similarity: semanticScore.get(semantic[0]!) ?? 0,
      semanticScore,
    };
  }
  const fuse = (ranked: Ranked, k: number, weight: number): string[] => {
    const scores = new Map<string, number>();
    ranked.lexical.forEach((page, index) => scores.set(page, 1 / (k + index + 1)));
    ranked.semantic.forEach((page, index) =>
      scores.set(page, (scores.get(page) ?? 0) + weight / (k + index + 1)),
    );
    return rankPages(scores);
  };
  const methods: Record<string, (ranked: Ranked) => string[]> = {
    lexical: (ranked) => ranked.lexical,
    semantic: (ranked) => ranked.semantic,
    "rrf k=60": (ranked) => fuse(ranked, 60, 1),
    "rrf k=10": (ranked) => fuse(ranked, 10, 1),
    "rrf k=10 sem×0.5": (ranked) => fuse(ranked, 10, 0.5),
    "rrf k=10 sem×2": (ranked) => fuse(ranked, 10, 2),
    "rrf k=30": (ranked) => fuse(ranked, 30, 1),
  };
  const score = (questions: Question[], ranked: Ranked[]) => {
    for (const [method, order] of Object.entries(methods)) {
      let first = 0;
      let top3 = 0;
      ranked.forEach((entry, index) => {
        const pages = order(entry).map((slug) => fileOf.get(slug) ?? slug);
        const distinct = [...new Set(pages)];
        if (questions[index]!.expect.includes(distinct[0] ?? "")) first += 1;
        if (distinct.slice(0, 3).some((page) => questions[index]!.expect.includes(page))) top3 += 1;
      });
      console.log(
        `${method.padEnd(20)} first ${first}/${questions.length}  top3 ${top3}/${questions.length}`,
      );
    }
  };
  const ranked: Ranked[] = [];
  for (const { q } of set.questions) ranked.push(await rankings(q));
  score(set.questions, ranked);
  const other: Ranked[] = [];
  for (const { q } of set.other_language) other.push(await rankings(q));
  console.log("other languages:");
  score(set.other_language, other);
  const off: Ranked[] = [];
  for (const q of offTopic) off.push(await rankings(q));
  const sims = (list: Ranked[]) =>
    list
      .map((entry) => entry.similarity)
      .sort((a, b) => a - b)
      .map((value) => value.toFixed(2));
  console.log(`best similarity, on-topic (sorted): ${sims(ranked).join(" ")}`);
  console.log(`best similarity, off-topic (sorted): ${sims(off).join(" ")}`);
  for (const floor of [0, 0.3, 0.35, 0.375, 0.4, 0.45]) {
    const answers = (entry: Ranked) => entry.coverage >= CONFIDENCE_THRESHOLD && entry.similarity >= floor;
    const either = (entry: Ranked) =>
      (entry.coverage >= CONFIDENCE_THRESHOLD && entry.similarity >= floor) ||
      entry.similarity >= floor + 0.15;
    console.log(
      `floor ${floor.toFixed(3)}: coverage AND floor → off-topic declined ${off.filter((e) => !answers(e)).length}/${off.length}, ` +
        `on-topic declined ${ranked.filter((e) => !answers(e)).length}/${ranked.length}; ` +
        `(AND) OR sim ≥ floor+0.15 → off declined ${off.filter((e) => !either(e)).length}, on declined ${ranked.filter((e) => !either(e)).length}; ` +
        `floor alone → off declined ${off.filter((e) => e.similarity < floor).length}, on declined ${ranked.filter((e) => e.similarity < floor).length}`,
    );
  }
}

async function main(): Promise<void> {
  for (const name of sets) await evaluate(name);
}

void main();
