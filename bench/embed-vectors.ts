/**
 * Computes the embedded model's passage vectors of an evaluation set ahead of `bench/answers-eval.ts`, in several
 * processes at once on a loaded machine: each vector depends on its passage's text only (embedded one at a time,
 * by the app's own embedWithEmbeddedModel), so shards computed in parallel give the vectors a single run computes.
 * The articles are those of an earlier import (`answers-eval.ts --cache DIR`).
 *
 *   npx tsx bench/embed-vectors.ts --set sqlite --cache DIR --shard 0/3   # … 1/3, 2/3 in other processes
 *   npx tsx bench/answers-eval.ts --set sqlite --cache DIR --vectors DIR   # stored first, as after a restart
 *
 * Writes DIR/vectors-<set>-<k>.json ({ vectorId: Int8 values }) and reports the CPU time per embedded passage (the
 * event-loop hold per turn is measured on the app's own path: answers-eval.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { articlePassages } from "~/server/chat/knowledge/articles";
import {
  EMBEDDED_MODEL_ID,
  embeddedModel,
  embedWithEmbeddedModel,
} from "~/server/chat/knowledge/embedded-model";
import { passageEmbeddingText, vectorId } from "~/server/chat/knowledge/embeddings";
import { parseFlags } from "./lib";

const flags = parseFlags();
const set = flags.set ?? "sqlite";
const cache = flags.cache;
if (!cache) throw new Error("--cache DIR (written by answers-eval.ts --cache DIR) is required");
const [shard, shards] = (flags.shard ?? "0/1").split("/").map(Number) as [number, number];

const articles = JSON.parse(readFileSync(path.join(cache, `${set}.json`), "utf8")) as {
  slug: string;
  title: string;
  body: string;
}[];
const texts = new Map<string, string>();
for (const article of articles)
  for (const passage of articlePassages(article)) {
    const text = passageEmbeddingText(passage);
    texts.set(vectorId(EMBEDDED_MODEL_ID, text), text);
  }
const mine = [...texts.entries()].filter((_, index) => index % shards === shard);

async function main(): Promise<void> {
  const loadStart = performance.now();
  await embeddedModel();
  const loadMs = performance.now() - loadStart;
  const vectors: Record<string, number[]> = {};
  const cpuMs: number[] = [];
  const start = performance.now();
  for (const [id, text] of mine) {
    const cpu = process.cpuUsage();
    const [vector] = await embedWithEmbeddedModel([text]);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
    vectors[id] = Array.from(vector!);
  }
  const seconds = (performance.now() - start) / 1000;
  writeFileSync(path.join(cache!, `vectors-${set}-${shard}.json`), JSON.stringify(vectors));
  const sorted = [...cpuMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(0);
  console.log(
    `${set} shard ${shard}/${shards}: ${mine.length} of ${texts.size} passages in ${seconds.toFixed(1)} s ` +
      `(model loaded in ${loadMs.toFixed(0)} ms); CPU per passage median ${at(0.5)} ms, p99 ${at(0.99)}, ` +
      `max ${sorted.at(-1)?.toFixed(0)}`,
  );
}

void main();
