import type { ChatDeps } from "../../chat/deps";
import { DASHBOARD_DAYS, type DashboardDto } from "./dashboard.schema";
import { getLlmUsage, type LlmCostSettings } from "./llm-usage.service";

const DAY_MS = 24 * 60 * 60 * 1000;

type DailyTable = "sessions" | "messages";

/** Rows created per UTC day since `since`, counted in the database (written per dialect). */
async function countPerDay(deps: ChatDeps, table: DailyTable, since: Date): Promise<Map<string, number>> {
  // The table name is one of two constants, never input.
  const rows =
    deps.dialect === "postgresql"
      ? await deps.db.$queryRawUnsafe<{ day: string; count: number | bigint }[]>(
          `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS count
           FROM ${table} WHERE created_at >= $1 GROUP BY 1`,
          since,
        )
      : // SQLite stores Prisma DateTimes as ISO-8601 text in UTC: the day is its first 10 characters.
        await deps.db.$queryRawUnsafe<{ day: string; count: number | bigint }[]>(
          `SELECT substr(created_at, 1, 10) AS day, count(*) AS count
           FROM ${table} WHERE created_at >= ? GROUP BY 1`,
          since,
        );
  return new Map(rows.map((row) => [row.day, Number(row.count)]));
}

/** What is counted per day and per value of one column (all constants, never input). */
const KEYED = {
  answers: { table: "messages", at: "created_at", key: "answer_kind", where: "answer_kind IS NOT NULL" },
  thumbs: { table: "message_feedback", at: "updated_at", key: "rating", where: "1 = 1" },
  ratings: { table: "session_ratings", at: "updated_at", key: "rating", where: "1 = 1" },
} as const;

/** Counts per value of `key` (as text) for each UTC day, and over all time; for a range of KEYED rows. */
interface KeyedCounts {
  perDay: Map<string, Map<string, number>>;
  total: Map<string, number>;
}

async function countByKey(deps: ChatDeps, what: keyof typeof KEYED, since: Date): Promise<KeyedCounts> {
  const { table, at, key, where } = KEYED[what];
  const [daily, overall] =
    deps.dialect === "postgresql"
      ? await Promise.all([
          deps.db.$queryRawUnsafe<{ day: string; key: string; count: number | bigint }[]>(
            `SELECT to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, ${key}::text AS key,
                    count(*)::int AS count
             FROM ${table} WHERE ${at} >= $1 AND ${where} GROUP BY 1, 2`,
            since,
          ),
          deps.db.$queryRawUnsafe<{ key: string; count: number | bigint }[]>(
            `SELECT ${key}::text AS key, count(*)::int AS count FROM ${table} WHERE ${where} GROUP BY 1`,
          ),
        ])
      : await Promise.all([
          deps.db.$queryRawUnsafe<{ day: string; key: string; count: number | bigint }[]>(
            `SELECT substr(${at}, 1, 10) AS day, CAST(${key} AS TEXT) AS key, count(*) AS count
             FROM ${table} WHERE ${at} >= ? AND ${where} GROUP BY 1, 2`,
            since,
          ),
          deps.db.$queryRawUnsafe<{ key: string; count: number | bigint }[]>(
            `SELECT CAST(${key} AS TEXT) AS key, count(*) AS count FROM ${table} WHERE ${where} GROUP BY 1`,
          ),
        ]);
  const perDay = new Map<string, Map<string, number>>();
  for (const row of daily) {
    const day = perDay.get(row.day) ?? new Map<string, number>();
    day.set(row.key, Number(row.count));
    perDay.set(row.day, day);
  }
  return { perDay, total: new Map(overall.map((row) => [row.key, Number(row.count)])) };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The quality figures from the counts of one day (or of all time). */
function quality(
  answers: Map<string, number> | undefined,
  thumbs: Map<string, number> | undefined,
  ratings: Map<string, number> | undefined,
) {
  const answered = answers?.get("answered") ?? 0;
  const unanswered = answers?.get("no_answer") ?? 0;
  let ratingCount = 0;
  let ratingSum = 0;
  for (const [value, count] of ratings ?? []) {
    ratingCount += count;
    ratingSum += Number(value) * count;
  }
  return {
    answered,
    unanswered,
    answered_share: answered + unanswered === 0 ? null : round(answered / (answered + unanswered), 4),
    thumbs_up: thumbs?.get("up") ?? 0,
    thumbs_down: thumbs?.get("down") ?? 0,
    ratings: ratingCount,
    rating_average: ratingCount === 0 ? null : round(ratingSum / ratingCount, 2),
  };
}

/**
 * Totals and the daily chart of the admin dashboard, with LLM token use and cost. `now` is a parameter so tests
 * can pin the days.
 */
export async function getDashboard(
  deps: ChatDeps,
  now: Date = new Date(),
  llm: LlmCostSettings = {},
): Promise<DashboardDto> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const firstDay = new Date(today - (DASHBOARD_DAYS - 1) * DAY_MS);
  const [
    visitors,
    sessions,
    messages,
    failedReplies,
    sessionsPerDay,
    messagesPerDay,
    answers,
    thumbs,
    ratings,
  ] = await Promise.all([
    deps.db.visitor.count(),
    deps.db.session.count(),
    deps.db.message.count(),
    deps.db.message.count({ where: { status: "failed" } }),
    countPerDay(deps, "sessions", firstDay),
    countPerDay(deps, "messages", firstDay),
    countByKey(deps, "answers", firstDay),
    countByKey(deps, "thumbs", firstDay),
    countByKey(deps, "ratings", firstDay),
  ]);
  const days = Array.from({ length: DASHBOARD_DAYS }, (_, index) => {
    const date = new Date(firstDay.getTime() + index * DAY_MS).toISOString().slice(0, 10);
    return {
      date,
      sessions: sessionsPerDay.get(date) ?? 0,
      messages: messagesPerDay.get(date) ?? 0,
      ...quality(answers.perDay.get(date), thumbs.perDay.get(date), ratings.perDay.get(date)),
    };
  });
  const llmUsage = await getLlmUsage(
    deps,
    days.map((day) => day.date),
    llm,
  );
  return {
    totals: {
      visitors,
      sessions,
      messages,
      failed_replies: failedReplies,
      ...quality(answers.total, thumbs.total, ratings.total),
    },
    days,
    llm_usage: llmUsage,
  };
}
