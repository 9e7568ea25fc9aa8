import type { ChatDeps } from "../chat/deps";
import { expireWaiting } from "../chat/handoff/handoff.service";
import { logger } from "../observability/logger";
import { startLeasedJob, type LeasedJob } from "./leased-job";

export const HANDOFF_TIMEOUT_JOB = "handoff-timeout";

/** How often waiting requests are checked: a request goes back to the bot at most this late. */
export const HANDOFF_TIMEOUT_SWEEP_MS = 5_000;

/** tick() resolves with the requests timed out. */
export type HandoffTimeoutJob = LeasedJob<number>;

/**
 * Every `intervalMs` (and once at start), sends every handoff request nobody claimed within
 * deps.config.handoffTimeoutMs (HANDOFF_TIMEOUT_SECONDS) back to the bot (the visitor's status becomes
 * unavailable, session.updated is published), whether or not an inbox is open — on one instance at a time.
 */
export function startHandoffTimeoutJob(options: {
  getDeps: () => Promise<ChatDeps>;
  holder: string;
  intervalMs?: number;
  /** false: no timer, runs only on tick() (tests). */
  schedule?: boolean;
}): HandoffTimeoutJob {
  const everyMs = options.intervalMs ?? HANDOFF_TIMEOUT_SWEEP_MS;
  return startLeasedJob({
    name: HANDOFF_TIMEOUT_JOB,
    holder: options.holder,
    everyMs,
    leaseMs: Math.max(everyMs * 3, 15_000),
    getDeps: options.getDeps,
    // The handoff rules' clock (tests inject one in deps.now) decides what is overdue.
    schedule: options.schedule,
    idle: 0,
    failure: "handoff timeout: could not time out waiting requests (retrying every interval)",
    async tick(deps) {
      const expired = await expireWaiting(deps);
      if (expired > 0)
        logger.info({ expired }, "handoff timeout: requests nobody claimed went back to the bot");
      return expired;
    },
  });
}
