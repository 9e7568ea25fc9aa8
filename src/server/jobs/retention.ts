import type { ChatDeps } from "../chat/deps";
import { applyRetention, type RetentionResult } from "../chat/retention/retention.service";
import { acquireLease, releaseLease } from "./lease";
import { logError, logger } from "../observability/logger";

export const RETENTION_JOB = "retention";

export interface RetentionJob {
  /** Runs retention now (if this instance holds the job lease); null when another instance holds it. */
  tick(): Promise<RetentionResult | null>;
  /** Stops the timer and gives the job lease up. */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs` (and once at start), deletes conversations (and visitors) idle for more than `days` — on one
 * instance at a time: each run first takes or renews the job lease in the database (src/server/jobs/lease.ts),
 * as the reply sweeper does. `now` is the clock (injected by tests). The timer is unref'd.
 */
export function startRetentionJob(options: {
  /** The database and the event bus (erased visitors' streams end). */
  getDeps: () => Promise<Pick<ChatDeps, "db" | "events">>;
  holder: string;
  days: number;
  intervalMs: number;
  now?: () => Date;
  /** false: no timer, runs only on tick() (tests). */
  schedule?: boolean;
}): RetentionJob {
  const clock = options.now ?? (() => new Date());
  // Long enough for a large first run; a dead holder is replaced within it.
  const ttlMs = Math.max(options.intervalMs * 2, 60_000);
  let failing = false;
  let running: Promise<RetentionResult | null> | undefined;

  const run = async (): Promise<RetentionResult | null> => {
    try {
      const deps = await options.getDeps();
      const now = clock();
      if (!(await acquireLease(deps.db, { name: RETENTION_JOB, holder: options.holder, ttlMs, now })))
        return null;
      const result = await applyRetention(deps, { days: options.days, now });
      if (result.sessions + result.visitors > 0)
        logger.info({ ...result, days: options.days }, "retention: deleted idle conversations and visitors");
      failing = false;
      return result;
    } catch (error) {
      if (!failing) logError("retention: could not apply RETENTION_DAYS (retrying every interval)", error);
      failing = true;
      return null;
    }
  };
  const tick = () => (running ??= run().finally(() => (running = undefined)));

  let timer: NodeJS.Timeout | undefined;
  if (options.schedule !== false) {
    void tick();
    timer = setInterval(() => void tick(), options.intervalMs);
    timer.unref();
  }

  return {
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      try {
        await releaseLease((await options.getDeps()).db, RETENTION_JOB, options.holder);
      } catch {
        // The lease expires by itself.
      }
    },
  };
}
