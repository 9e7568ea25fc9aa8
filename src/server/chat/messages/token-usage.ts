import type { Db } from "../../db/client";

/** The start (00:00 UTC) of the day `now` is in. */
export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** LLM tokens (prompt + completion) of the replies created since `since`, as the API reported them. */
export async function tokensUsedSince(db: Db, since: Date): Promise<number> {
  const { _sum } = await db.message.aggregate({
    where: { created_at: { gte: since } },
    _sum: { prompt_tokens: true, completion_tokens: true },
  });
  return Number(_sum.prompt_tokens ?? 0) + Number(_sum.completion_tokens ?? 0);
}
