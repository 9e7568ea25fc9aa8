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
  const [visitors, sessions, messages, failedReplies, sessionsPerDay, messagesPerDay] = await Promise.all([
    deps.db.visitor.count(),
    deps.db.session.count(),
    deps.db.message.count(),
    deps.db.message.count({ where: { status: "failed" } }),
    countPerDay(deps, "sessions", firstDay),
    countPerDay(deps, "messages", firstDay),
  ]);
  const days = Array.from({ length: DASHBOARD_DAYS }, (_, index) => {
    const date = new Date(firstDay.getTime() + index * DAY_MS).toISOString().slice(0, 10);
    return { date, sessions: sessionsPerDay.get(date) ?? 0, messages: messagesPerDay.get(date) ?? 0 };
  });
  const llmUsage = await getLlmUsage(
    deps,
    days.map((day) => day.date),
    llm,
  );
  return {
    totals: { visitors, sessions, messages, failed_replies: failedReplies },
    days,
    llm_usage: llmUsage,
  };
}
