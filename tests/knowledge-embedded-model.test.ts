/**
 * The embedded sentence model (Universal Sentence Encoder lite from its package, no download, no endpoint; opt-in,
 * EMBEDDED_EMBEDDINGS=on) as the semantic ranking beside the lexical search: loaded on first use only, the passages embedded in the
 * background after a rebuild, a paraphrase with no shared topic word found by meaning, and an unrelated question
 * that shares words with the articles declined by the similarity floor. Runs the real model (a few seconds).
 * On both databases.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { createKnowledgeArticle } from "~/server/admin/knowledge/knowledge.service";
import {
  EMBEDDED_DIMENSIONS,
  EMBEDDED_MODEL_ID,
  EMBEDDED_SIMILARITY_FLOOR,
  embeddedModelLoaded,
  embedWithEmbeddedModel,
  quantizedCosine,
} from "~/server/chat/knowledge/embedded-model";
import { LiveKnowledge } from "~/server/chat/knowledge/live-knowledge";
import { KnowledgeBaseResponder } from "~/server/chat/responder/knowledge-base";
import { ask } from "./helpers/ask";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

const ARTICLES = [
  {
    title: "Backing up a database",
    body: "## Online backup\n\nThe backup API copies the content of one database into another database file while other connections keep reading and writing it. The copy is consistent: it is a snapshot of the database at one moment.",
  },
  {
    title: "ALTER TABLE",
    body: "## RENAME TO\n\nThe RENAME TO syntax changes the name of table-name to new-table-name. Indexes and triggers on the table move with it.",
  },
  {
    title: "Date and time functions",
    body: "## The current time\n\nThe date(), time() and datetime() functions take a time value such as 'now' and return the current date or time as text in UTC.",
  },
];

const STORED_ARTICLES = [
  {
    title: "Attaching another database",
    body: "## ATTACH DATABASE\n\nThe ATTACH DATABASE statement adds another database file to the current connection, under a schema name.",
  },
  {
    title: "Write-ahead logging",
    body: "## WAL mode\n\nIn WAL mode, readers do not block writers and a writer does not block readers: changes are appended to a separate log file.",
  },
];

describe("the embedded sentence model", () => {
  it("is not loaded before it is used, and embeds offline from its package", async () => {
    expect(embeddedModelLoaded()).toBe(false);
    const [question, refund, delivery] = await embedWithEmbeddedModel([
      "how do I get my money back?",
      "Returns and refunds: the money is paid back to your card within five working days.",
      "Standard delivery takes two to four days.",
    ]);
    expect(embeddedModelLoaded()).toBe(true);
    expect(question).toHaveLength(512);
    expect(quantizedCosine(question!, refund!)).toBeGreaterThan(quantizedCosine(question!, delivery!));
  });

  it("runs in a worker thread: this thread never loads the model's code (embedding never holds replies)", async () => {
    const [vector] = await embedWithEmbeddedModel(["is it loaded here?"]);
    expect(vector).toHaveLength(EMBEDDED_DIMENSIONS);
    const loadedHere = Object.keys(createRequire(import.meta.url).cache).filter((file) =>
      /@energetic-ai|@tensorflow/.test(file),
    );
    expect(loadedHere).toEqual([]);
  });

  it("embeds a question before the passages waiting in the background", async () => {
    const done: string[] = [];
    const passages = Array.from({ length: 24 }, (_, index) => `Passage ${index}: how backups are kept.`);
    const background = embedWithEmbeddedModel(passages).then(() => done.push("passages"));
    const question = embedWithEmbeddedModel(["how do I restore a backup"], { urgent: true }).then(() =>
      done.push("question"),
    );
    await Promise.all([background, question]);
    expect(done).toEqual(["question", "passages"]);
  });
});

describeEachDatabase("LiveKnowledge with the embedded model", (database) => {
  it("ranks by meaning once the passages are embedded, and declines an unrelated question", async () => {
    const deps = testDeps(database());
    for (const article of ARTICLES)
      await createKnowledgeArticle(deps, { ...article, published: true }, TEST_BY);
    const knowledge = new LiveKnowledge(deps.db, { refreshMs: 0, embedded: true });
    await knowledge.embeddedReady();
    const base = await knowledge.current();
    expect(base.semantic?.floor).toBe(EMBEDDED_SIMILARITY_FLOOR);
    expect(knowledge.vectorsComputed).toBe(base.passages.length);
    const responder = new KnowledgeBaseResponder(knowledge, { chunkDelayMs: 0 });

    // No word in common with the article: the lexical search alone finds nothing.
    expect(base.search("what day is it today in sql", 3)).toEqual([]);
    const paraphrase = await ask(responder, "what day is it today in sql");
    expect(paraphrase.sources[0]?.title).toMatch(/^Date and time functions/);

    // The ranking stays lexical: the model decides whether to answer, not which page comes first (on real docs,
    // fusing its ranking with the lexical one put the right page first less often: bench/RESULTS.md).
    for (const question of ["how do I rename a table", "copy the database while it is in use"]) {
      const found = await base.find(question, 3);
      expect(found.length, question).toBeGreaterThan(0);
      expect(found[0]!.passage.id).toBe(base.rank(question)[0]!.passage.id);
    }

    // "move" and "table" are the articles' words (the lexical search alone answers), but the question is about
    // furniture: its similarity to every passage is under the floor.
    expect(base.search("move the table to another room", 3)).not.toEqual([]);
    expect((await ask(responder, "move the table to another room")).sources).toEqual([]);
    expect((await ask(responder, "cancel my order")).sources).toEqual([]);

    // An unchanged passage is not embedded again after an edit elsewhere.
    await createKnowledgeArticle(
      deps,
      { title: "Vacuum", body: "VACUUM rebuilds the database file, making it smaller.", published: true },
      TEST_BY,
    );
    const computed = knowledge.vectorsComputed;
    await knowledge.embeddedReady();
    expect(knowledge.vectorsComputed).toBe(computed + 1);
  });

  it("stores the passages' vectors: a second instance over the same database (a restart) computes none", async () => {
    const deps = testDeps(database());
    // Texts of their own: the database is shared with the test above, whose vectors are stored too.
    for (const article of STORED_ARTICLES)
      await createKnowledgeArticle(deps, { ...article, published: true }, TEST_BY);
    const first = new LiveKnowledge(deps.db, { refreshMs: 0, embedded: true });
    await first.embeddedReady();
    const passages = (await first.current()).passages.length;
    // The new articles' passages are computed, the earlier test's are read from the table.
    expect(first.vectorsComputed).toBe(STORED_ARTICLES.length);
    expect(first.vectorsLoaded).toBe(passages - STORED_ARTICLES.length);
    // Stored under the embedded model's id, the quantized values as a JSON array.
    const rows = await deps.db.knowledgeVector.findMany({ where: { model: EMBEDDED_MODEL_ID } });
    expect(rows).toHaveLength(passages);
    expect(rows[0]!.vector).toHaveLength(EMBEDDED_DIMENSIONS);

    const restarted = new LiveKnowledge(deps.db, { refreshMs: 0, embedded: true });
    await restarted.embeddedReady();
    expect(restarted.vectorsComputed).toBe(0);
    expect(restarted.vectorsLoaded).toBe(passages);
    // The loaded vectors rank as the computed ones did.
    const question = "can people read while someone writes";
    const [before, after] = await Promise.all(
      [first, restarted].map(async (knowledge) => (await knowledge.current()).semantic!.rank(question)),
    );
    expect(after).toEqual(before);
    const base = await restarted.current();
    expect(base.passages.find((passage) => passage.id === after![0]!.id)?.article).toBe(
      "Write-ahead logging",
    );
  });

  it("is not loaded for articles in another language than the model's (English): they are searched lexically", async () => {
    const deps = testDeps(database());
    // Last in this file: the English articles of the tests above go first.
    await deps.db.knowledgeArticle.deleteMany({});
    const german = [
      "Die Datenbank sichern: Mit dem Befehl VACUUM INTO wird eine Kopie der Datenbank in eine neue Datei geschrieben.",
      "Eine Tabelle umbenennen: ALTER TABLE alter_name RENAME TO neuer_name ändert den Namen der Tabelle.",
      "Datum und Uhrzeit: Die Funktionen date(), time() und datetime() geben das aktuelle Datum zurück.",
    ];
    for (const [index, body] of german.entries())
      await createKnowledgeArticle(deps, { title: `Anleitung ${index + 1}`, body, published: true }, TEST_BY);
    const knowledge = new LiveKnowledge(deps.db, { refreshMs: 0, embedded: true });
    await knowledge.embeddedReady();
    const base = await knowledge.current();
    expect(base.language).toBe("de");
    expect(base.semantic).toBeUndefined();
    expect(knowledge.vectorsComputed + knowledge.vectorsLoaded).toBe(0);
    expect((await base.find("Wie kann ich eine Tabelle umbenennen?", 3))[0]?.passage.article).toBe(
      "Anleitung 2",
    );
  });
});
