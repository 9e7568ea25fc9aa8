/**
 * Memory and rebuild cost of the knowledge index (issue 22): 1,000 articles (~20 MB of markdown) made from the real
 * documentation sets of content/eval (their HTML converted by the app's import, htmlToArticle; pages repeated
 * with their sections in another order and a variant number so no two articles are equal), stored in a fresh
 * SQLite database and loaded by LiveKnowledge as a server does. Reports the RSS and heap the index adds (after a
 * full GC) and the longest the event loop was held during a first build and during a rebuild after an edit.
 *
 *   node --expose-gc --import tsx bench/knowledge-memory.ts [--articles 1000] [--kb 20] [--embed 500]
 *
 * Needs the packages of content/eval (apt-get install -y sqlite3-doc debian-handbook). Results: bench/RESULTS.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { htmlToArticle } from "~/server/admin/knowledge/html-article";
import { articleContentHash } from "~/server/chat/knowledge/articles";
import { embeddedModel, embedWithEmbeddedModel } from "~/server/chat/knowledge/embedded-model";
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
  return { title: `${first.title} (${n})`, body: body.slice(0, articleBytes).trim() };
}

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
): Promise<{ ms: number; maxBlockMs: number; p99BlockMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  // The longest gap between two 5 ms ticks, minus the 5 ms: how long a reply could have waited.
  let last = performance.now();
  let maxGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last - 5);
    last = now;
  }, 5);
  histogram.enable();
  const start = performance.now();
  await knowledge.current();
  const ms = performance.now() - start;
  histogram.disable();
  clearInterval(ticker);
  return {
    ms,
    maxBlockMs: Math.max(maxGap, histogram.max / 1e6 - 10),
    p99BlockMs: histogram.percentile(99) / 1e6 - 10,
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
    const before = process.memoryUsage();
    const knowledge = new LiveKnowledge(database.db, { refreshMs: 0 });
    const first = await timedLoad(knowledge);
    collect();
    const after = process.memoryUsage();
    const base = await knowledge.current();
    // A rebuild after an edit, while the old index still answers.
    await database.db.knowledgeArticle.update({
      where: { slug: "article-0" },
      data: { body: "## Edited\n\nNew text.", updated_at: new Date(Date.now() + 1000) },
    });
    const rebuild = await timedLoad(knowledge);
    collect();
    const afterRebuild = process.memoryUsage();
    const questionStart = performance.now();
    const questions = ["how do I back up the database", "add a column to a table", "set up a firewall"];
    for (const question of questions) base.search(question, 3);
    const questionMs = (performance.now() - questionStart) / questions.length;

    console.log(
      `${articleCount} articles, ${mb(totalChars)} MB of markdown, ${base.passages.length} passages ` +
        `(node ${process.version})`,
    );
    console.log(
      `RSS added by the index: ${mb(after.rss - before.rss)} MB (heap ${mb(after.heapUsed - before.heapUsed)} MB); ` +
        `after a rebuild: ${mb(afterRebuild.rss - before.rss)} MB`,
    );
    console.log(
      `first build ${first.ms.toFixed(0)} ms, event loop held at most ${first.maxBlockMs.toFixed(0)} ms ` +
        `(p99 ${first.p99BlockMs.toFixed(0)} ms)`,
    );
    console.log(
      `rebuild after an edit ${rebuild.ms.toFixed(0)} ms, event loop held at most ${rebuild.maxBlockMs.toFixed(0)} ms ` +
        `(p99 ${rebuild.p99BlockMs.toFixed(0)} ms)`,
    );
    console.log(`a question: ${questionMs.toFixed(1)} ms`);

    // The embedded sentence model (the app's default with no EMBEDDINGS_MODEL): its load, and the vectors of
    // --embed passages (the first ones; all of them would take tens of minutes on this machine), with the event
    // loop watched while they are computed in the background as LiveKnowledge does.
    const embedCount = Math.min(base.passages.length, intFlag(flags, "embed", 500));
    if (embedCount > 0) {
      collect();
      const beforeModel = process.memoryUsage();
      const loadStart = performance.now();
      await embeddedModel();
      const loadMs = performance.now() - loadStart;
      await embedWithEmbeddedModel(["warm up"]);
      collect();
      const afterModel = process.memoryUsage();
      const texts = base.passages.slice(0, embedCount).map((passage) => passageEmbeddingText(passage));
      const watch = watchLoop();
      const embedStart = performance.now();
      const vectors = await embedWithEmbeddedModel(texts);
      const embedMs = performance.now() - embedStart;
      const blocked = watch.stop();
      collect();
      const afterVectors = process.memoryUsage();
      const perVector = (afterVectors.heapUsed - afterModel.heapUsed) / vectors.length;
      console.log(
        `embedded model: loaded in ${loadMs.toFixed(0)} ms, RSS +${mb(afterModel.rss - beforeModel.rss)} MB ` +
          `(heap +${mb(afterModel.heapUsed - beforeModel.heapUsed)} MB)`,
      );
      console.log(
        `embedded model: ${embedCount} passages in ${(embedMs / 1000).toFixed(1)} s (${(embedMs / embedCount).toFixed(1)} ms each), ` +
          `event loop held at most ${blocked.maxBlockMs.toFixed(0)} ms (p99 ${blocked.p99BlockMs.toFixed(0)} ms); ` +
          `${(perVector / 1024).toFixed(2)} KB of heap a vector → ${mb(perVector * base.passages.length)} MB for all ` +
          `${base.passages.length} passages, which would take ${(((embedMs / embedCount) * base.passages.length) / 60_000).toFixed(0)} min to embed`,
      );
    }
  } finally {
    await database.close();
    await testDatabase.drop();
  }
}

void main();
