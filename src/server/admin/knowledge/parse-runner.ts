import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ParseResult, ParseTask } from "./parse-tasks";

/**
 * Runs parse tasks (parse-tasks.ts) in a worker thread, off the request path: a page of 10,000 nested elements,
 * a PDF bomb or a hostile robots.txt costs that thread's CPU, never the event loop that answers requests. Each task
 * has a deadline; a task that overruns it, or the worker's heap limit, terminates the worker (the next task starts
 * a new one) and fails with a reason the admin reads. One ParseSession per import; close() ends its worker.
 *
 * In production the worker is the compiled file `npm run build` (and `npm start`'s launcher, when a source changed)
 * writes to .next/visitor-chat/parse-worker.cjs: no TypeScript loader, so `npm ci --omit=dev` installs work.
 * Elsewhere (next dev, in-process tests) it runs the TypeScript sources (src/server/admin/knowledge/parse-worker.ts
 * under the project directory) through tsx's loader.
 */
export interface ParseLimits {
  /** Wall-clock deadline of one task. */
  timeoutMs: number;
  /** The worker's V8 heap (old generation) in MB. */
  maxMemoryMb: number;
}

/** Why a task did not finish: `refused` (the content is not acceptable), `overrun` (time or memory), `failed`. */
export class ParseFailure extends Error {
  constructor(
    readonly kind: "refused" | "overrun" | "failed",
    message: string,
  ) {
    super(message);
    this.name = "ParseFailure";
  }
}

const WORKER_FILE = path.resolve(process.cwd(), "src/server/admin/knowledge/parse-worker.ts");
const COMPILED_WORKER_FILE = path.resolve(process.cwd(), ".next/visitor-chat/parse-worker.cjs");
const BOOTSTRAP = `const { workerData } = require("node:worker_threads");
if (workerData.loader) require(workerData.loader).register();
require(workerData.file);`;

/** The compiled worker in production when the build made one, else the sources through tsx. */
function workerSource(): { file: string; loader: string | undefined } {
  if (process.env.NODE_ENV === "production" && existsSync(COMPILED_WORKER_FILE))
    return { file: COMPILED_WORKER_FILE, loader: undefined };
  return { file: WORKER_FILE, loader: createRequire(WORKER_FILE).resolve("tsx/cjs/api") };
}

interface Pending {
  worker: Worker;
  resolve(value: unknown): void;
  reject(error: ParseFailure): void;
  timer: NodeJS.Timeout;
}

/** How long a new worker may take to load its sources before its first task (not counted in the task's deadline). */
const WORKER_START_TIMEOUT_MS = 60_000;

export class ParseSession {
  private worker: Worker | undefined;
  private ready: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly limits: ParseLimits) {}

  private start(): Worker {
    const source = workerSource();
    if (!existsSync(source.file))
      throw new ParseFailure(
        "failed",
        `the parse worker is missing (${source.file}): start the server from the project directory`,
      );
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: source,
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxMemoryMb, maxYoungGenerationSizeMb: 32 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ParseFailure("failed", "it could not be read (the parser did not start)."));
        if (this.worker === worker) this.worker = undefined;
        void worker.terminate();
      }, WORKER_START_TIMEOUT_MS);
      timer.unref();
      worker.once("message", () => {
        clearTimeout(timer);
        resolve();
      });
      worker.once("exit", () => {
        clearTimeout(timer);
        reject(new ParseFailure("failed", "it could not be read (the parser stopped)."));
      });
    });
    this.ready.catch(() => undefined);
    worker.on(
      "message",
      (message: { id: number; ok: boolean; result?: unknown; refused?: string; error?: string }) => {
        const entry = this.pending.get(message.id);
        if (!entry) return;
        this.pending.delete(message.id);
        clearTimeout(entry.timer);
        if (message.ok) entry.resolve(message.result);
        else if (message.refused !== undefined) entry.reject(new ParseFailure("refused", message.refused));
        else
          entry.reject(
            new ParseFailure("failed", `it could not be read (${message.error ?? "unknown error"}).`),
          );
      },
    );
    worker.on("error", (error: Error & { code?: string }) => {
      this.fail(
        worker,
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new ParseFailure(
              "overrun",
              `reading it needed more than ${this.limits.maxMemoryMb} MB of memory.`,
            )
          : new ParseFailure("failed", `it could not be read (${error.message}).`),
      );
    });
    worker.on("exit", () => {
      if (this.worker === worker) this.worker = undefined;
      this.fail(worker, new ParseFailure("failed", "it could not be read (the parser stopped)."));
    });
    return worker;
  }

  /** Fails the tasks that were running in `worker`. */
  private fail(worker: Worker, error: ParseFailure): void {
    for (const [id, entry] of this.pending) {
      if (entry.worker !== worker) continue;
      clearTimeout(entry.timer);
      this.pending.delete(id);
      entry.reject(error);
    }
  }

  /** Runs `task` in the worker within `timeoutMs` (at most the session's limit). */
  async run<T extends ParseTask["type"]>(
    task: ParseTask & { type: T },
    timeoutMs = this.limits.timeoutMs,
  ): Promise<ParseResult<T>> {
    const worker = (this.worker ??= this.start());
    await this.ready;
    const id = this.nextId++;
    const deadline = Math.max(1, Math.min(timeoutMs, this.limits.timeoutMs));
    return new Promise<ParseResult<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new ParseFailure(
            "overrun",
            `reading it took longer than ${deadline >= 1000 ? `${Math.round(deadline / 100) / 10} s` : `${deadline} ms`} (the content is too complex).`,
          ),
        );
        // The worker is busy with it and cannot be interrupted: end it (a new one takes the next task).
        if (this.worker === worker) this.worker = undefined;
        this.fail(
          worker,
          new ParseFailure("overrun", "reading was stopped with another file that took too long."),
        );
        void worker.terminate();
      }, deadline);
      this.pending.set(id, { worker, resolve: resolve as (value: unknown) => void, reject, timer });
      worker.postMessage({ id, task });
    });
  }

  /** Ends the worker (pending tasks fail). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
