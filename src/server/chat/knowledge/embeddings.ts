import { createHash } from "node:crypto";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import type { KnowledgePassage, SemanticIndex } from "../responder/knowledge-base";
import { logError } from "../../observability/logger";

/**
 * Embeddings for hybrid retrieval, from any OpenAI-compatible `/v1/embeddings` endpoint. Each passage's vector is
 * stored in knowledge_vectors under a hash of the model and the passage's text, so it is computed once per
 * content: an unchanged passage is never sent again, an edited one gets a new hash (and a new vector).
 */
export interface EmbeddingsSettings {
  /** e.g. http://127.0.0.1:11434/v1 (the `/embeddings` path is appended). */
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** The cosine similarity at which a passage counts as a confident answer on its own. */
  minSimilarity: number;
}

/** Inputs per request. */
const BATCH_SIZE = 64;

/** The text embedded for a passage: where it is, then what it says. */
export function passageEmbeddingText(passage: KnowledgePassage): string {
  return `${passage.article} › ${passage.section}\n${passage.text}`;
}

export function vectorId(model: string, text: string): string {
  return createHash("sha256").update(model).update("\n").update(text).digest("hex");
}

export async function embed(settings: EmbeddingsSettings, inputs: string[]): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < inputs.length; start += BATCH_SIZE) {
    const batch = inputs.slice(start, start + BATCH_SIZE);
    const response = await fetch(`${settings.baseUrl.replace(/\/+$/, "")}/embeddings`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(settings.apiKey && { authorization: `Bearer ${settings.apiKey}` }),
      },
      body: JSON.stringify({ model: settings.model, input: batch }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    if (!response.ok) throw new Error(`The embeddings endpoint answered ${response.status}.`);
    const body = (await response.json()) as { data?: { index?: number; embedding?: unknown }[] };
    const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (data.length !== batch.length)
      throw new Error("The embeddings endpoint returned the wrong number of vectors.");
    for (const item of data) {
      if (!Array.isArray(item.embedding) || !item.embedding.every((value) => typeof value === "number"))
        throw new Error("The embeddings endpoint returned a vector that is not a list of numbers.");
      vectors.push(item.embedding as number[]);
    }
  }
  return vectors;
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    dot += a[index]! * b[index]!;
    normA += a[index]! * a[index]!;
    normB += b[index]! * b[index]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * The semantic index of a set of passages: stored vectors are reused, missing ones computed (one request per 64
 * passages) and stored. Returns how many were computed, for the tests and the log.
 */
export async function buildSemanticIndex(
  db: Db,
  settings: EmbeddingsSettings,
  passages: KnowledgePassage[],
): Promise<{ index: SemanticIndex; computed: number }> {
  const ids = passages.map((passage) => vectorId(settings.model, passageEmbeddingText(passage)));
  const stored = new Map<string, number[]>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db.knowledgeVector.findMany({ where: { id: { in: ids.slice(start, start + 500) } } });
    for (const row of rows) stored.set(row.id, row.vector as number[]);
  }
  const missing = [...new Set(ids.filter((id) => !stored.has(id)))];
  if (missing.length > 0) {
    const texts = missing.map((id) => passageEmbeddingText(passages[ids.indexOf(id)]!));
    const vectors = await embed(settings, texts);
    for (const [position, id] of missing.entries()) {
      const vector = vectors[position]!;
      stored.set(id, vector);
      try {
        await db.knowledgeVector.create({ data: { id, model: settings.model, vector } });
      } catch (error) {
        // Another instance stored the same content's vector meanwhile.
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }
  const byPassage = passages.map((passage, position) => ({
    id: passage.id,
    vector: stored.get(ids[position]!)!,
  }));
  const index: SemanticIndex = {
    minSimilarity: settings.minSimilarity,
    async rank(question) {
      let query: number[];
      try {
        [query] = (await embed(settings, [question])) as [number[]];
      } catch (error) {
        // The lexical ranking still answers: a failing embeddings endpoint must not fail replies.
        logError("knowledge: question embedding failed", error);
        return [];
      }
      return byPassage
        .map(({ id, vector }) => ({ id, similarity: cosine(query, vector) }))
        .sort((a, b) => b.similarity - a.similarity);
    },
  };
  return { index, computed: missing.length };
}
