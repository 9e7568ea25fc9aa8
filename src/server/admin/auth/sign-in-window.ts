import { randomUUID } from "node:crypto";
import type { ChatDeps } from "../../chat/deps";

/** One limit of sign-in attempts: at most `points` in any `seconds` long stretch of time. */
export interface SlidingRate {
  points: number;
  seconds: number;
}

/**
 * A true sliding window over the attempts admitted for `key` (the database's log of them, shared by every
 * instance): an attempt passes if fewer than `points` attempts were admitted in the `seconds` before it, for each
 * rate. Answers null when admitted (the attempt is logged), or the seconds until the oldest attempt in the
 * exhausted window leaves it. Refused attempts are not logged, so waiting is always enough.
 *
 * An attempt inserts itself first and then counts every other one in the log: two racing attempts can both be
 * refused at the edge, never both admitted beyond the limit.
 */
export async function admitSlidingAttempt(
  deps: Pick<ChatDeps, "db">,
  key: string,
  rates: readonly SlidingRate[],
  now: Date = new Date(),
): Promise<number | null> {
  const longestMs = Math.max(...rates.map((rate) => rate.seconds * 1000));
  const id = randomUUID();
  await deps.db.adminSignInAttempt.create({ data: { id, key, at: now } });
  const recent = await deps.db.adminSignInAttempt.findMany({
    where: { key, at: { gt: new Date(now.getTime() - longestMs), lte: now } },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { id: true, at: true },
  });
  // Every other attempt in the log counts, a concurrent one too: racers may both be refused, never both admitted.
  const before = recent.filter((row) => row.id !== id);
  let retryAfterSeconds: number | null = null;
  for (const rate of rates) {
    const since = now.getTime() - rate.seconds * 1000;
    const inWindow = before.filter((row) => row.at.getTime() > since);
    if (inWindow.length >= rate.points) {
      const oldest = inWindow[inWindow.length - rate.points]!.at.getTime();
      const wait = Math.max(1, Math.ceil((oldest + rate.seconds * 1000 - now.getTime()) / 1000));
      retryAfterSeconds = Math.max(retryAfterSeconds ?? 0, wait);
    }
  }
  if (retryAfterSeconds !== null) {
    await deps.db.adminSignInAttempt.delete({ where: { id } });
    return retryAfterSeconds;
  }
  // Attempts older than every window count for nothing any more.
  await deps.db.adminSignInAttempt.deleteMany({
    where: { at: { lte: new Date(now.getTime() - longestMs) } },
  });
  return null;
}
