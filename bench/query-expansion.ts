/**
 * What WordNet query expansion (src/server/chat/knowledge/query-expansion.ts) costs: the memory added by its first
 * use (the index files read into buffers) and the time to expand a question, uncached and cached.
 *
 *   node --expose-gc --import tsx bench/query-expansion.ts
 *
 * Results: bench/RESULTS.md (issue 22, "WordNet query expansion").
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { closeWordNet, expandQuery, setQueryExpansion } from "~/server/chat/knowledge/query-expansion";

const gc = (globalThis as { gc?: () => void }).gc;
function memory(): { rss: number; external: number } {
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, external: usage.external };
}

const questions = z
  .object({ questions: z.array(z.object({ q: z.string() })) })
  .parse(JSON.parse(readFileSync(path.resolve("content/eval/sqlite.json"), "utf8")))
  .questions.map((question) => question.q);

for (const mode of ["synonyms", "hypernyms"] as const) {
  closeWordNet();
  setQueryExpansion({ mode });
  const before = memory();
  const start = performance.now();
  expandQuery(questions[0]!, { articlesLanguage: "en" });
  const firstMs = performance.now() - start;
  const uncachedStart = performance.now();
  for (const question of questions) expandQuery(question, { articlesLanguage: "en" });
  const uncachedMs = (performance.now() - uncachedStart) / questions.length;
  const cachedStart = performance.now();
  for (const question of questions) expandQuery(question, { articlesLanguage: "en" });
  const cachedMs = (performance.now() - cachedStart) / questions.length;
  const after = memory();
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `${mode}: first use ${firstMs.toFixed(0)} ms; per question ${uncachedMs.toFixed(2)} ms uncached, ` +
      `${cachedMs.toFixed(3)} ms cached; added RSS ${mb(after.rss - before.rss)} MB ` +
      `(external buffers ${mb(after.external - before.external)} MB)`,
  );
}
