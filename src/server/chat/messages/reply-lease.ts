import type { Db } from "../../db/client";
import type { EventBus } from "../events/bus";
import { failStaleReply } from "./message-writer";

/**
 * The reply lease: a streaming reply belongs to the run writing it only as long as that run keeps saving it.
 * Every save stamps messages.saved_at (partial saves every 500 ms while text arrives, a heartbeat while it does
 * not); a streaming reply whose saved_at is older than the lease has lost its writer (the process was killed,
 * or could not reach the database for that long). failStaleReplies marks such replies failed, keeping their
 * text; a retry may also take one over directly.
 */
export interface ReplyTimings {
  /** A streaming reply not saved for this long is stale. */
  leaseMs: number;
  /** A live run saves at least this often, text or not. */
  heartbeatMs: number;
  /** How long a run retries its final save while the database is unreachable. */
  finalSaveWindowMs: number;
}

/** The heartbeat for a lease: three saves per lease, at most every 5 s. */
export function heartbeatFor(leaseMs: number): number {
  return Math.max(50, Math.min(5_000, Math.floor(leaseMs / 3)));
}

/** Streaming replies last saved before this are stale. */
export function staleBefore(now: Date, leaseMs: number): Date {
  return new Date(now.getTime() - leaseMs);
}

/**
 * Marks every stale streaming reply failed (text kept, so it shows what was written, and it can be retried),
 * except those written by runs alive in this process (`liveIds`), and publishes message.updated for each on
 * `events` (so followers see the reply end). saved_at is stamped too: a resume's snapshot (messages saved since)
 * includes them. Returns how many were failed.
 */
export async function failStaleReplies(
  db: Db,
  now: Date = new Date(),
  options: { leaseMs: number; liveIds?: string[]; events?: EventBus },
): Promise<number> {
  const stale = await db.message.findMany({
    where: {
      status: "streaming",
      saved_at: { lt: staleBefore(now, options.leaseMs) },
      ...(options.liveIds?.length ? { id: { notIn: options.liveIds } } : {}),
    },
    select: { id: true, saved_at: true },
  });
  if (stale.length === 0) return 0;
  let failed = 0;
  for (const reply of stale)
    if (await failStaleReply({ db, events: options.events }, reply, now)) failed += 1;
  return failed;
}
