import type { Db } from "../../db/client";
import { KnowledgeBase, type KnowledgeSource } from "../responder/knowledge-base";
import { articlePassages, knowledgeVersion, listPublishedArticles, seedKnowledgeArticles } from "./articles";
import { buildSemanticIndex, type EmbeddingsSettings } from "./embeddings";

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
  /** Vectors computed over this instance's life (tests: recomputed only when content changes). */
  vectorsComputed = 0;

  constructor(
    private readonly db: Db,
    private readonly options: {
      refreshMs: number;
      embeddings?: EmbeddingsSettings;
      /** Seed the table from these markdown files first if it is empty (seedKnowledgeArticles). */
      seedDirectory?: string;
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
      if (!this.base || version !== this.version) {
        const articles = await listPublishedArticles(this.db);
        const base = new KnowledgeBase(articles.flatMap(articlePassages));
        if (this.options.embeddings) {
          try {
            const { index, computed } = await buildSemanticIndex(
              this.db,
              this.options.embeddings,
              base.passages,
            );
            base.semantic = index;
            this.vectorsComputed += computed;
          } catch (error) {
            // Lexical search still works; the vectors are tried again at the next change or check.
            console.error(
              `[knowledge] embeddings unavailable, lexical search only: ${(error as Error).message}`,
            );
            this.base = base;
            this.checkedAt = Date.now();
            return base;
          }
        }
        this.base = base;
        this.version = version;
      }
      this.checkedAt = Date.now();
      return this.base;
    } catch (error) {
      if (!this.base) throw error;
      console.error(
        `[knowledge] could not check the articles, answering from the last index: ${String(error)}`,
      );
      this.checkedAt = Date.now();
      return this.base;
    }
  }
}
