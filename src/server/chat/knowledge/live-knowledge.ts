import type { Db } from "../../db/client";
import {
  KnowledgeBase,
  yieldToLoop,
  type IndexOptions,
  type KnowledgePassage,
  type KnowledgeSource,
} from "../responder/knowledge-base";
import {
  articlePassages,
  knowledgeVersion,
  publishedArticlesInBatches,
  seedKnowledgeArticles,
} from "./articles";
import { buildSemanticIndex, passageEmbeddingText, vectorId, type EmbeddingsSettings } from "./embeddings";
import {
  EMBEDDED_DIMENSIONS,
  EMBEDDED_MODEL_ID,
  embedWithEmbeddedModel,
  embeddedSemanticIndex,
  EMBEDDED_MODEL_LANGUAGE,
} from "./embedded-model";
import { isUniqueViolation } from "../../db/errors";
import { logError } from "../../observability/logger";

/** Embedded-model vectors computed between two stores (in memory and in knowledge_vectors; see embedInBackground). */
const EMBED_STORE_CHUNK = 32;

/** Articles read per query in a rebuild (each is cut into passages in its own turn of the event loop). */
const READ_BATCH = 10;

/** Stored vectors read per query (one turn of the event loop between two). */
const VECTOR_READ_CHUNK = 500;

/**
 * From this many articles in the index being replaced, a rebuild runs in the background: questions are answered
 * from the previous index until the new one is swapped in (a rebuild of 1,000 articles takes tens of seconds of
 * turns of the event loop; bench/knowledge-memory.ts). A smaller one is waited for (at most a few hundred ms), so
 * an edit is searched on the next question.
 */
export const BACKGROUND_REBUILD_ARTICLES = 100;

/** After a failed embeddings request, lexical search only for this long before trying again. */
const EMBEDDINGS_RETRY_MS = 60_000;

/**
 * The knowledge base as the database has it now, on every instance: at most every `refreshMs` (and only when a
 * question needs it) one cheap query reads the table's fingerprint (count and max(updated_at)); when it changed,
 * the published articles are read and the index rebuilt, so an edit in the admin is searched within seconds
 * without a restart. Concurrent questions share one check. If the database cannot be read, the last index keeps
 * answering.
 */
export class LiveKnowledge implements KnowledgeSource {
  private base: KnowledgeBase | undefined;
  private version: string | undefined;
  private checkedAt = 0;
  private pending: Promise<KnowledgeBase> | undefined;
  /** A rebuild running in the background (see BACKGROUND_REBUILD_ARTICLES). */
  private rebuilding: Promise<void> | undefined;
  private vectorsRetryAt = 0;
  /** Vectors computed over this instance's life (tests: recomputed only when content changes). */
  vectorsComputed = 0;
  /** Embedded-model vectors read from knowledge_vectors over this instance's life (stored by an earlier run). */
  vectorsLoaded = 0;
  /** The embedded model's vectors of the passages, by vectorId (kept across rebuilds for unchanged passages). */
  private readonly embeddedVectors = new Map<string, Int8Array>();
  private embedding: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly options: {
      refreshMs: number;
      embeddings?: EmbeddingsSettings;
      /** Seed the table from these markdown files first if it is empty (seedKnowledgeArticles). */
      seedDirectory?: string;
      /**
       * With no `embeddings` endpoint: the embedded sentence model (embedded-model.ts) ranks beside the lexical
       * search once the passages are embedded, in the background after each rebuild (lexical search answers
       * meanwhile). Loaded on the first rebuild, i.e. the first question.
       */
      embedded?: boolean;
      /** BACKGROUND_REBUILD_ARTICLES (tests). */
      backgroundRebuildArticles?: number;
      /** How the index is built (bench/knowledge-memory.ts --old; the default otherwise). */
      index?: IndexOptions;
    },
  ) {}

  /** The next current() checks the database whatever the interval (after a change made by this instance). */
  invalidate(): void {
    this.checkedAt = 0;
  }

  current(): Promise<KnowledgeBase> {
    if (this.base && Date.now() - this.checkedAt < this.options.refreshMs) return Promise.resolve(this.base);
    this.pending ??= this.refresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async refresh(): Promise<KnowledgeBase> {
    try {
      if (!this.base && this.options.seedDirectory)
        await seedKnowledgeArticles(this.db, this.options.seedDirectory);
      const version = await knowledgeVersion(this.db);
      const retryVectors =
        this.base !== undefined && this.base.semantic === undefined && Date.now() >= this.vectorsRetryAt;
      if (!this.base || version !== this.version) {
        const background = this.options.backgroundRebuildArticles ?? BACKGROUND_REBUILD_ARTICLES;
        if (this.base && this.base.articles.length >= background) {
          // The previous index answers meanwhile; a failed rebuild is tried again at the next check.
          this.rebuilding ??= this.rebuild(version)
            .catch((error: unknown) => logError("knowledge: could not rebuild the index", error))
            .finally(() => {
              this.rebuilding = undefined;
            });
        } else await this.rebuild(version);
      } else if (retryVectors) {
        await this.attachVectors(this.base);
      }
      this.checkedAt = Date.now();
      if (!this.base) throw new Error("knowledge: no index after a rebuild");
      return this.base;
    } catch (error) {
      if (!this.base) throw error;
      logError("knowledge: could not check the articles, answering from the last index", error);
      this.checkedAt = Date.now();
      return this.base;
    }
  }

  /** Reads the published articles, builds their index and swaps it in. */
  private async rebuild(version: string): Promise<void> {
    // Read and cut a few articles at a time, between turns of the event loop (a rebuild must not hold replies
    // up); the index itself is built in slices too (KnowledgeBase.build).
    const passages: KnowledgePassage[] = [];
    for await (const articles of publishedArticlesInBatches(this.db, READ_BATCH)) {
      for (const article of articles) {
        passages.push(...articlePassages(article));
        await yieldToLoop();
      }
    }
    const base = await KnowledgeBase.build(passages, this.options.index);
    await this.attachVectors(base);
    this.base = base;
    this.version = version;
    this.embedInBackground(base);
  }

  /** Resolves when no rebuild is running (after one started by the last check). For tests and benches. */
  async settled(): Promise<void> {
    await this.current();
    await this.rebuilding;
  }

  /**
   * Embeds the passages (only those whose vectors are not stored yet). If the endpoint fails, lexical search
   * answers meanwhile and the vectors are tried again after EMBEDDINGS_RETRY_MS (not on every question, which would
   * make each one wait for a failing endpoint).
   */
  private async attachVectors(base: KnowledgeBase): Promise<void> {
    if (!this.options.embeddings) return;
    try {
      const { index, computed } = await buildSemanticIndex(this.db, this.options.embeddings, base.passages);
      base.semantic = index;
      this.vectorsComputed += computed;
    } catch (error) {
      this.vectorsRetryAt = Date.now() + EMBEDDINGS_RETRY_MS;
      logError("knowledge: embeddings unavailable, lexical search only", error);
    }
  }

  /**
   * Resolves when the embedded model's vectors of the current index are attached (or failed); at once when the
   * embedded model is not used. For tests and benches: replies never wait for it.
   */
  async embeddedReady(): Promise<void> {
    await this.current();
    await this.embedding;
  }

  /** Embeds the passages the embedded model has no vector for yet, then attaches its semantic index. */
  private embedInBackground(base: KnowledgeBase): void {
    if (this.options.embeddings || !this.options.embedded) return;
    // The model is English only: articles in another language are searched lexically, and it is never loaded.
    // Nor is it with no passage at all (a fresh install): a question would load it for nothing to compare with.
    if (base.language !== EMBEDDED_MODEL_LANGUAGE || base.passages.length === 0) return;
    const previous = this.embedding ?? Promise.resolve();
    const run = previous.then(async () => {
      if (this.base !== base) return; // a newer rebuild took over
      const ids = base.passages.map((passage) => vectorId(EMBEDDED_MODEL_ID, passageEmbeddingText(passage)));
      const textOf = new Map<string, string>();
      base.passages.forEach((passage, position) => {
        if (!this.embeddedVectors.has(ids[position]!))
          textOf.set(ids[position]!, passageEmbeddingText(passage));
      });
      // Vectors stored by an earlier run (this instance before a restart, or another instance) are read first.
      this.vectorsLoaded += await loadEmbeddedVectors(this.db, [...textOf.keys()], this.embeddedVectors);
      const missing = [...textOf.keys()].filter((id) => !this.embeddedVectors.has(id));
      // Kept as they come (EMBED_STORE_CHUNK at a time), in memory and in knowledge_vectors: a rebuild that cancels
      // this run, or a restart, reuses what it computed.
      for (let start = 0; start < missing.length; start += EMBED_STORE_CHUNK) {
        const chunk = missing.slice(start, start + EMBED_STORE_CHUNK);
        const vectors = await embedWithEmbeddedModel(
          chunk.map((id) => textOf.get(id)!),
          { cancelled: () => this.base !== base },
        );
        chunk.forEach((id, position) => this.embeddedVectors.set(id, vectors[position]!));
        this.vectorsComputed += chunk.length;
        await storeEmbeddedVectors(
          this.db,
          chunk.map((id, position) => ({ id, vector: vectors[position]! })),
        );
      }
      if (this.base !== base) return;
      // Vectors of passages no longer in the index go.
      const keep = new Set(ids);
      for (const id of this.embeddedVectors.keys()) if (!keep.has(id)) this.embeddedVectors.delete(id);
      base.semantic = embeddedSemanticIndex(
        base.passages.map((passage, position) => ({
          id: passage.id,
          vector: this.embeddedVectors.get(ids[position]!)!,
        })),
      );
    });
    this.embedding = run.catch((error: unknown) => {
      if (error instanceof Error && error.message === "embedding cancelled") return;
      logError("knowledge: the embedded sentence model failed, lexical search only", error);
    });
  }
}

/**
 * Reads the stored embedded-model vectors of `ids` (vectorId of EMBEDDED_MODEL_ID: the model is in the key) into
 * `into`; returns how many were found. A row that is not a vector of the model's size is ignored (recomputed), as
 * are all when the table cannot be read.
 */
async function loadEmbeddedVectors(db: Db, ids: string[], into: Map<string, Int8Array>): Promise<number> {
  let loaded = 0;
  try {
    for (let start = 0; start < ids.length; start += VECTOR_READ_CHUNK) {
      const rows = await db.knowledgeVector.findMany({
        where: { id: { in: ids.slice(start, start + VECTOR_READ_CHUNK) }, model: EMBEDDED_MODEL_ID },
        select: { id: true, vector: true },
      });
      for (const row of rows) {
        const vector = row.vector;
        if (!Array.isArray(vector) || vector.length !== EMBEDDED_DIMENSIONS) continue;
        into.set(row.id, Int8Array.from(vector as number[]));
        loaded += 1;
      }
      await yieldToLoop();
    }
  } catch (error) {
    // The vectors not read are computed (and stored) again.
    logError("knowledge: could not read the embedded model's stored vectors", error);
  }
  return loaded;
}

/**
 * Stores computed embedded-model vectors in knowledge_vectors (the quantized Int8 values as a JSON array, model
 * EMBEDDED_MODEL_ID). One insert per chunk; if another instance stored some of them meanwhile, one by one. A
 * failing store is logged and the vectors stay in memory (they are computed again after a restart).
 */
async function storeEmbeddedVectors(db: Db, vectors: { id: string; vector: Int8Array }[]): Promise<void> {
  const data = vectors.map(({ id, vector }) => ({
    id,
    model: EMBEDDED_MODEL_ID,
    vector: Array.from(vector),
  }));
  try {
    try {
      await db.knowledgeVector.createMany({ data });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      for (const row of data) {
        try {
          await db.knowledgeVector.create({ data: row });
        } catch (rowError) {
          if (!isUniqueViolation(rowError)) throw rowError;
        }
      }
    }
  } catch (error) {
    logError("knowledge: could not store the embedded model's vectors", error);
  }
}

const shared = new WeakMap<Db, LiveKnowledge>();

/**
 * The one LiveKnowledge of a database client in this process: the responder and the admin's answer tests search
 * the same index (one copy in memory). The first caller's options are kept.
 */
export function sharedKnowledge(
  db: Db,
  options: ConstructorParameters<typeof LiveKnowledge>[1],
): LiveKnowledge {
  let knowledge = shared.get(db);
  if (!knowledge) {
    knowledge = new LiveKnowledge(db, options);
    shared.set(db, knowledge);
  }
  return knowledge;
}
