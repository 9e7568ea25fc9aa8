/**
 * What ending the embedded model's worker when idle gives back (EMBEDDED_MODEL_IDLE_MINUTES, issue 24): the
 * process's resident memory with the worker loaded and after it was ended, and what the first question after a
 * release waits for (the worker's start and the model's load) against the next question's embedding. Run it with
 * `npm start`'s malloc settings, as the server runs:
 *
 *   MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072 MALLOC_MMAP_THRESHOLD_=131072 npx tsx bench/embedded-release.ts
 */
import { embedWithEmbeddedModel, stopEmbeddedModel } from "~/server/chat/knowledge/embedded-model";
import { fmt, intFlag, machineLine, parseFlags, printTable } from "./lib";

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const rounds = intFlag(parseFlags(), "rounds", 3);
  console.log(machineLine());
  const rows: (string | number)[][] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const before = rssMb();
    let started = performance.now();
    await embedWithEmbeddedModel(["How do I reset my password?"], { urgent: true });
    const first = performance.now() - started;
    started = performance.now();
    await embedWithEmbeddedModel(["How do I add a column to a table?"], { urgent: true });
    const next = performance.now() - started;
    const loaded = rssMb();
    await stopEmbeddedModel();
    await sleep(3000);
    rows.push([round, fmt(before), fmt(loaded), fmt(rssMb()), fmt(first, 0), fmt(next, 0)]);
  }
  printTable(
    "The embedded model's worker: loaded, then ended (RSS of this process)",
    ["round", "before (MB)", "loaded (MB)", "3 s after it ended (MB)", "first question (ms)", "next (ms)"],
    rows,
  );
}

void main();
