import type { ChatDeps } from "../chat/deps";
import { failStaleReplies } from "../chat/messages/reply-lease";
import { activeReplyIds } from "../chat/messages/reply-run";
import { logger } from "../observability/logger";
import { startLeasedJob, type LeasedJob } from "./leased-job";

export const REPLY_SWEEPER_JOB = "reply-sweeper";

/** tick() resolves with the replies failed. */
export type ReplySweeper = LeasedJob<number>;

/**
 * Every `intervalMs` (and once at start), marks stale streaming replies failed (not saved within the reply lease,
 * deps.config.replyTimings.leaseMs) and publishes them on deps.events, so their followers see them end — on one
 * instance at a time (ttl three intervals, so a dead holder is replaced within that).
 */
export function startReplySweeper(options: {
  getDeps: () => Promise<Pick<ChatDeps, "db" | "events" | "config">>;
  holder: string;
  intervalMs: number;
  /** false: no timer, runs only on tick() (tests). */
  schedule?: boolean;
}): ReplySweeper {
  return startLeasedJob({
    name: REPLY_SWEEPER_JOB,
    holder: options.holder,
    everyMs: options.intervalMs,
    leaseMs: Math.max(options.intervalMs * 3, 5_000),
    getDeps: options.getDeps,
    schedule: options.schedule,
    idle: 0,
    failure: "reply sweeper: could not sweep (retrying every interval)",
    async tick(deps, { now }) {
      const failed = await failStaleReplies(deps.db, now, {
        leaseMs: deps.config.replyTimings.leaseMs,
        liveIds: activeReplyIds(),
        events: deps.events,
      });
      if (failed > 0) logger.warn({ failed }, "reply sweeper: marked stale streaming replies failed");
      return failed;
    },
  });
}
