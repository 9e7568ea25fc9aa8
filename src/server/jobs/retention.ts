import type { ChatDeps } from "../chat/deps";
import { applyRetention, type RetentionResult } from "../chat/retention/retention.service";
import { logger } from "../observability/logger";
import { startLeasedJob, type LeasedJob } from "./leased-job";

export const RETENTION_JOB = "retention";

/** tick() resolves with what was deleted; null when it did not run (another instance holds the lease). */
export type RetentionJob = LeasedJob<RetentionResult | null>;

/**
 * Every `intervalMs` (and once at start), deletes conversations (and visitors) idle for more than `days` — on one
 * instance at a time (the job lease, src/server/jobs/leased-job.ts). `now` is the clock (injected by tests).
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
  return startLeasedJob<Pick<ChatDeps, "db" | "events">, RetentionResult | null>({
    name: RETENTION_JOB,
    holder: options.holder,
    everyMs: options.intervalMs,
    // Long enough for a large first run; a dead holder is replaced within it.
    leaseMs: Math.max(options.intervalMs * 2, 60_000),
    getDeps: options.getDeps,
    now: options.now,
    schedule: options.schedule,
    idle: null,
    failure: "retention: could not apply RETENTION_DAYS (retrying every interval)",
    async tick(deps, { now }) {
      const result = await applyRetention(deps, { days: options.days, now });
      if (result.sessions + result.visitors > 0)
        logger.info({ ...result, days: options.days }, "retention: deleted idle conversations and visitors");
      return result;
    },
  });
}
