/**
 * Answer quality on real documentation sets that nobody here wrote (issue 22): each set's pages come from an
 * installed package (content/eval/<set>.json names the package and its directory: `apt-get install -y
 * sqlite3-doc debian-handbook`), are imported through the app's own upload import (importUploadedFile) into a
 * fresh SQLite database, and the questions are asked to the knowledge-base responder (no LLM, no embeddings
 * endpoint), as the chat would.
 *
 *   npx tsx bench/answers-eval.ts [--set sqlite|debian-handbook] [--embedded off] [--verbose] [--cache DIR]
 *     [--vectors DIR]   (passage vectors computed ahead by bench/embed-vectors.ts, stored before the run)
 *     [--llm]           (the app's LLM responder instead, configured as the app is: LLM_BASE_URL, LLM_MODEL,
 *                        LLM_QUERY_REWRITE …; an answer's sources are the passages the model was given, so the
 *                        figures measure retrieval with the query rewrite; EMBEDDINGS_MODEL adds the endpoint's
 *                        vectors as in the app, with or without --llm)
 *
 * Reports per set: right page first, right page in the top 3, off-topic declined, other-language top 3, the
 * median answer length, and the built-in replies (not found, small talk, handoff) in the question's language.
 * Results: bench/RESULTS.md ("Answers on real documentation"), docs/knowledge.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { detect } from "tinyld";
import { z } from "zod";
import { importUploadedFile } from "~/server/admin/knowledge/knowledge-import";
import { EMBEDDED_MODEL_ID, embeddedModel } from "~/server/chat/knowledge/embedded-model";
import { LiveKnowledge } from "~/server/chat/knowledge/live-knowledge";
import { KnowledgeBaseResponder } from "~/server/chat/responder/knowledge-base";
import { LlmResponder } from "~/server/chat/responder/llm";
import type { Responder } from "~/server/chat/responder/responder";
import { embeddingsSettings, llmSettings } from "~/server/runtime/responder";
import type { MessageSource } from "~/server/chat/messages/message.schema";
import { openDatabase } from "~/server/db/client";
import { testDeps, TEST_BY } from "../tests/helpers/deps";
import { createTestDatabase } from "../testing/test-database";
import { parseFlags } from "./lib";

const setSchema = z.object({
  package: z.string(),
  directory: z.string(),
  questions: z.array(z.object({ q: z.string(), expect: z.array(z.string()).min(1) })).min(40),
  other_language: z
    .array(z.object({ lang: z.string(), q: z.string(), expect: z.array(z.string()).min(1) }))
    .min(8),
});
const offTopicSchema = z.object({ questions: z.array(z.string()).min(20) });

/** Messages whose reply is built in (no sources): a greeting, a request for a person, an unrelated question. */
const BUILT_IN_PROBES: Record<string, string[]> = {
  en: ["hello", "can I talk to a person?", "what is the capital of peru"],
  de: ["Hallo", "Kann ich bitte mit einem Menschen sprechen?", "Wie ist das Wetter morgen in Berlin?"],
  fr: ["Bonjour", "Est-ce que je peux parler à une personne ?", "Quel temps fera-t-il demain à Paris ?"],
  es: ["Hola", "¿Puedo hablar con una persona?", "¿Qué tiempo hará mañana en Madrid?"],
  ar: ["مرحبا", "هل يمكنني التحدث مع شخص؟", "كيف سيكون الطقس غدا في القاهرة؟"],
};

const flags = parseFlags();
const verbose = process.argv.includes("--verbose");
const sets = flags.set ? [flags.set] : ["sqlite", "debian-handbook"];
// --llm: the LLM responder as the app configures it (LLM_BASE_URL, LLM_MODEL, LLM_QUERY_REWRITE…).
const llm = "llm" in flags ? llmSettings() : undefined;
if ("llm" in flags && !llm) throw new Error("--llm: set LLM_BASE_URL and LLM_MODEL as for the app");
const offTopic = offTopicSchema.parse(
  JSON.parse(readFileSync(path.resolve("content/eval/off-topic.json"), "utf8")),
).questions;

function pct(part: number, total: number): string {
  return `${part}/${total} (${total === 0 ? "—" : ((part / total) * 100).toFixed(0)} %)`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The language of a reply: tinyld's guess on its text (Arabic script is unambiguous). */
function languageOf(text: string): string {
  return /[\u0600-\u06ff]/.test(text) ? "ar" : detect(text, { only: ["en", "de", "fr", "es"] }) || "?";
}

async function ask(
  responder: Responder,
  message: string,
): Promise<{ text: string; sources: MessageSource[] }> {
  const reply = responder.reply({ history: [], message, signal: new AbortController().signal });
  let text = "";
  for await (const delta of reply.deltas) text += delta;
  return { text, sources: reply.sources() };
}

async function evaluate(name: string): Promise<void> {
  const set = setSchema.parse(JSON.parse(readFileSync(path.resolve(`content/eval/${name}.json`), "utf8")));
  const testDatabase = await createTestDatabase("sqlite");
  const database = await openDatabase(testDatabase.url);
  try {
    const deps = testDeps(database);
    const files = readdirSync(set.directory)
      .filter((file) => file.endsWith(".html"))
      .sort();
    const importStart = performance.now();
    // --cache DIR: reuse the articles of an earlier import (for quick iterations; the figures are taken without).
    const cacheFile = flags.cache ? path.join(flags.cache, `${name}.json`) : undefined;
    if (cacheFile && existsSync(cacheFile)) {
      const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as {
        slug: string;
        title: string;
        body: string;
        source_url: string;
        content_hash: string;
      }[];
      for (const article of cached)
        await database.db.knowledgeArticle.create({
          data: { ...article, published: true, source_kind: "upload" },
        });
    } else {
      for (const file of files) {
        const bytes = readFileSync(path.join(set.directory, file));
        try {
          await importUploadedFile(
            deps,
            { name: file, bytes: new Uint8Array(bytes), published: true },
            { maxBytes: 20_000_000 },
            TEST_BY,
          );
        } catch (error) {
          if (verbose) console.log(`import refused ${file}: ${(error as Error).message}`);
        }
      }
      if (cacheFile) {
        mkdirSync(path.dirname(cacheFile), { recursive: true });
        const articles = await database.db.knowledgeArticle.findMany({
          select: { slug: true, title: true, body: true, source_url: true, content_hash: true },
        });
        writeFileSync(cacheFile, JSON.stringify(articles));
      }
    }
    const importMs = performance.now() - importStart;
    const rows = await database.db.knowledgeArticle.findMany({ select: { slug: true, source_url: true } });
    // A long page is imported as "Title (part n)" articles whose source is `<file>#part-<n>`: each part counts as
    // its page (before this, only part 1 did).
    const fileOfSlug = new Map(
      rows.map((row) => [row.slug, (row.source_url ?? "").replace(/^upload:/, "").replace(/#part-\d+$/, "")]),
    );
    const fileOf = (source: MessageSource) =>
      fileOfSlug.get(/^\/help\/([^#?/]+)/.exec(source.url)?.[1] ?? "") ?? source.url;

    // --embedded off: lexical ranking only (EMBEDDED_EMBEDDINGS=off); otherwise as the app by default
    // (EMBEDDED_EMBEDDINGS=on): the embedded sentence model beside it, its vectors computed before the questions are asked.
    const embedded = flags.embedded !== "off";
    // --vectors DIR: the passage vectors computed by bench/embed-vectors.ts are stored first (knowledge_vectors, as
    // an earlier run of the app leaves them): the model embeds only what they lack.
    if (embedded && flags.vectors) {
      const rows = readdirSync(flags.vectors)
        .filter((file) => file.startsWith(`vectors-${name}-`) && file.endsWith(".json"))
        .flatMap((file) =>
          Object.entries(
            JSON.parse(readFileSync(path.join(flags.vectors!, file), "utf8")) as Record<string, number[]>,
          ),
        )
        .map(([id, vector]) => ({ id, model: EMBEDDED_MODEL_ID, vector }));
      for (let start = 0; start < rows.length; start += 500)
        await database.db.knowledgeVector.createMany({ data: rows.slice(start, start + 500) });
    }
    const knowledge = new LiveKnowledge(database.db, {
      refreshMs: 60_000,
      embedded,
      embeddings: embeddingsSettings(),
    });
    const buildStart = performance.now();
    await knowledge.current();
    const buildMs = performance.now() - buildStart;
    // The model is loaded first (its one-off load, ~1 s, is not an embedding turn).
    const modelStart = performance.now();
    if (embedded) await embeddedModel();
    const modelMs = performance.now() - modelStart;
    const embedStart = performance.now();
    // How long the main thread is held per embedding turn (nothing else runs in this process meanwhile).
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    await knowledge.embeddedReady();
    loopDelay.disable();
    const embedMs = performance.now() - embedStart;
    const responder: Responder = llm
      ? new LlmResponder(llm, knowledge)
      : new KnowledgeBaseResponder(knowledge, { chunkDelayMs: 0 });

    let top1 = 0;
    let top3 = 0;
    const lengths: number[] = [];
    for (const { q, expect } of set.questions) {
      const { text, sources } = await ask(responder, q);
      const pages = sources.map(fileOf);
      const first = pages[0] !== undefined && expect.includes(pages[0]);
      const inTop3 = pages.slice(0, 3).some((page) => expect.includes(page));
      if (first) top1 += 1;
      if (inTop3) top3 += 1;
      if (sources.length > 0) lengths.push(text.length);
      if (verbose && !first)
        console.log(`${inTop3 ? "TOP3" : "MISS"}  ${q}  → ${pages.slice(0, 3).join(", ") || "declined"}`);
    }
    let declined = 0;
    for (const q of offTopic) {
      const { sources } = await ask(responder, q);
      if (sources.length === 0) declined += 1;
      else if (verbose) console.log(`ANSWERED  ${q}  → ${sources.map(fileOf).join(", ")}`);
    }
    let otherTop3 = 0;
    let builtIn = 0;
    let builtInRight = 0;
    for (const { lang, q, expect } of set.other_language) {
      const { text, sources } = await ask(responder, q);
      const pages = sources.map(fileOf);
      if (pages.slice(0, 3).some((page) => expect.includes(page))) otherTop3 += 1;
      else if (verbose) console.log(`MISS[${lang}]  ${q}  → ${pages.slice(0, 3).join(", ") || "declined"}`);
      if (sources.length === 0) {
        builtIn += 1;
        if (languageOf(text) === lang) builtInRight += 1;
      }
    }
    for (const [lang, probes] of Object.entries(BUILT_IN_PROBES)) {
      for (const probe of probes) {
        const { text, sources } = await ask(responder, probe);
        if (sources.length > 0) continue;
        builtIn += 1;
        if (languageOf(text) === lang) builtInRight += 1;
        else if (verbose) console.log(`LANG[${lang}]  ${probe}  → ${text.slice(0, 80)}`);
      }
    }
    const total = set.questions.length;
    console.log(`\n## ${name} (${set.package}: ${files.length} pages, ${rows.length} articles)`);
    console.log(
      `import ${(importMs / 1000).toFixed(1)} s, index build ${buildMs.toFixed(0)} ms, ` +
        (embedded
          ? `embedded model: loaded in ${modelMs.toFixed(0)} ms, ${knowledge.vectorsLoaded} stored passage vectors read, ` +
            `${knowledge.vectorsComputed} computed in ${(embedMs / 1000).toFixed(1)} s, ` +
            `event loop held at most ${(loopDelay.max / 1e6).toFixed(0)} ms ` +
            `(p50 ${(loopDelay.percentile(50) / 1e6).toFixed(0)}, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)})`
          : "lexical only") +
        (llm
          ? `; answered by the LLM ${llm.model} (query rewrite ${llm.queryRewrite}, ${llm.groundingPassages} passages)`
          : "; answered by the knowledge-base responder") +
        (embeddingsSettings() ? `; embeddings endpoint ${embeddingsSettings()!.model}` : ""),
    );
    console.log(`right page first:          ${pct(top1, total)}`);
    console.log(`right page in the top 3:   ${pct(top3, total)}`);
    console.log(`off-topic declined:        ${pct(declined, offTopic.length)}`);
    console.log(`other language, top 3:     ${pct(otherTop3, set.other_language.length)}`);
    console.log(`built-in replies in the question's language: ${pct(builtInRight, builtIn)}`);
    console.log(
      `answer length (chars):     median ${median(lengths)}, max ${Math.max(0, ...lengths)}, ` +
        `${lengths.filter((length) => length > 800).length}/${lengths.length} over 800`,
    );
  } finally {
    await database.close();
    await testDatabase.drop();
  }
}

async function main(): Promise<void> {
  for (const name of sets) await evaluate(name);
}

void main();
