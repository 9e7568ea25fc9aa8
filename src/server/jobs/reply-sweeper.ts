import type { EventBus } from "../chat/events/bus";
import type { Db } from "../db/client";
import { failStaleReplies } from "../chat/messages/reply-lease";
import { activeReplyIds } from "../chat/messages/reply-run";
import { acquireLease, releaseLease } from "./lease";
import { logError, logger } from "../observability/logger";

export const REPLY_SWEEPER_JOB = "reply-sweeper";

export interface ReplySweeper {
  /** Runs one sweep now (if this instance holds the job lease); resolves with the replies failed. */
  tick(): Promise<number>;
  /** Stops the timer and gives the job lease up. */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs` (and once at start), marks stale streaming replies failed — on one instance at a time:
 * each tick first takes or renews the job lease (ttl three intervals, so a dead holder is replaced within that).
 * Errors (the database away) are logged once per outage and retried on the next tick. The timer is unref'd.
 */
export function startReplySweeper(options: {
  getDb: () => Promise<Db>;
  holder: string;
  leaseMs: number;
  intervalMs: number;
  /** Where the replies it fails are published (message.updated), so their followers see them end. */
  events: () => EventBus;
}): ReplySweeper {
  let failing = false;
  let running: Promise<number> | undefined;
  const ttlMs = Math.max(options.intervalMs * 3, 5_000);

  const sweep = async (): Promise<number> => {
    try {
      const db = await options.getDb();
      const now = new Date();
      if (!(await acquireLease(db, { name: REPLY_SWEEPER_JOB, holder: options.holder, ttlMs, now })))
        return 0;
      const failed = await failStaleReplies(db, now, {
        leaseMs: options.leaseMs,
        liveIds: activeReplyIds(),
        events: options.events(),
      });
      if (failed > 0) logger.warn({ failed }, "reply sweeper: marked stale streaming replies failed");
      failing = false;
      return failed;
    } catch (error) {
      if (!failing) logError("reply sweeper: could not sweep (retrying every interval)", error);
      failing = true;
      return 0;
    }
  };
  /** One sweep at a time: a slow one (database away) is not stacked. */
  const tick = () => (running ??= sweep().finally(() => (running = undefined)));

  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();

  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
      try {
        await releaseLease(await options.getDb(), REPLY_SWEEPER_JOB, options.holder);
      } catch {
        // The lease expires by itself.
      }
    },
  };
}
