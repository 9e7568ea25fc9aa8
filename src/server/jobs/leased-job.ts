import type { Db } from "../db/client";
import { logError } from "../observability/logger";
import { acquireLease, releaseLease } from "./lease";

export interface LeasedJob<T> {
  /** Runs the job now (if this instance holds its lease); resolves with its result, or `idle` when it did not run. */
  tick(): Promise<T>;
  /** Stops the timer, waits for the run in progress and gives the job lease up. */
  stop(): Promise<void>;
}

export interface LeasedJobOptions<D extends { db: Db }, T> {
  /** The job's name, also its lease's (job_leases.name). */
  name: string;
  /** Who runs it: unique per process (leaseHolderId). */
  holder: string;
  /** How often it runs (and once at start). */
  everyMs: number;
  /** How long the lease lasts unless renewed by the next run: a dead holder is replaced within it. */
  leaseMs: number;
  /** What a run works with (the runtime opens the database lazily and retries a failed start-up). */
  getDeps: () => Promise<D>;
  /** One run, with the lease held. `stopping()` turns true once stop() was called (long runs end early). */
  tick: (deps: D, run: { now: Date; stopping: () => boolean }) => Promise<T>;
  /** What tick() resolves with when the job did not run: another instance holds the lease, an error, disabled. */
  idle: T;
  /** The log line of a failing run, logged once per outage (then retried on every interval). */
  failure: string;
  /** Whether a run needs the lease (default: always). E.g. webhook delivery on PostgreSQL runs everywhere. */
  leased?: (deps: D) => boolean;
  /** The clock (tests inject one). */
  now?: () => Date;
  /** false: no timer, runs only on tick() (tests). */
  schedule?: boolean;
  /** false: never runs (tick() resolves with `idle`), no timer. */
  enabled?: boolean;
}

/**
 * A background job run by one instance at a time: every `everyMs` (and once at start) it takes or renews its job
 * lease in the database (./lease.ts) and, if it holds it, runs `tick`. One run at a time (a slow one, e.g. the
 * database away, is not stacked); errors are logged once per outage and retried on the next interval. The timer
 * is unref'd, so it never keeps the process alive.
 */
export function startLeasedJob<D extends { db: Db }, T>(options: LeasedJobOptions<D, T>): LeasedJob<T> {
  const clock = options.now ?? (() => new Date());
  const enabled = options.enabled !== false;
  let failing = false;
  let stopped = false;
  let running: Promise<T> | undefined;

  const run = async (): Promise<T> => {
    if (!enabled) return options.idle;
    try {
      const deps = await options.getDeps();
      const now = clock();
      if (options.leased?.(deps) ?? true) {
        const lease = { name: options.name, holder: options.holder, ttlMs: options.leaseMs, now };
        if (!(await acquireLease(deps.db, lease))) return options.idle;
      }
      const result = await options.tick(deps, { now, stopping: () => stopped });
      failing = false;
      return result;
    } catch (error) {
      if (!failing) logError(options.failure, error, { job: options.name });
      failing = true;
      return options.idle;
    }
  };
  const tick = () => (running ??= run().finally(() => (running = undefined)));

  let timer: NodeJS.Timeout | undefined;
  if (enabled && options.schedule !== false) {
    void tick();
    timer = setInterval(() => void tick(), options.everyMs);
    timer.unref();
  }

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
      if (!enabled) return;
      try {
        await releaseLease((await options.getDeps()).db, options.name, options.holder);
      } catch {
        // The lease expires by itself.
      }
    },
  };
}
