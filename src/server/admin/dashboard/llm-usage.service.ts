import type { ChatDeps } from "../../chat/deps";
import type { LlmUsageDto } from "./dashboard.schema";

/** What the deployment set for LLM cost control (LLM_PRICE_PER_1K_INPUT/OUTPUT, LLM_DAILY_TOKEN_BUDGET). */
export interface LlmCostSettings {
  pricePer1kInput?: number;
  pricePer1kOutput?: number;
  dailyTokenBudget?: number;
}

interface DayTokens {
  prompt: number;
  completion: number;
}

/** Prompt and completion tokens of the replies created per UTC day since `since` (written per dialect). */
async function tokensPerDay(
  deps: Pick<ChatDeps, "db" | "dialect">,
  since: Date,
): Promise<Map<string, DayTokens>> {
  type Row = { day: string; prompt: number | bigint | null; completion: number | bigint | null };
  const rows =
    deps.dialect === "postgresql"
      ? await deps.db.$queryRawUnsafe<Row[]>(
          `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                  sum(prompt_tokens)::bigint AS prompt, sum(completion_tokens)::bigint AS completion
           FROM messages WHERE created_at >= $1 AND (prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL)
           GROUP BY 1`,
          since,
        )
      : await deps.db.$queryRawUnsafe<Row[]>(
          `SELECT substr(created_at, 1, 10) AS day, sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion
           FROM messages WHERE created_at >= ? AND (prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL)
           GROUP BY 1`,
          since,
        );
  return new Map(
    rows.map((row) => [
      row.day,
      { prompt: Number(row.prompt ?? 0), completion: Number(row.completion ?? 0) },
    ]),
  );
}

/** Rounded to 1/10,000 of the currency unit, so sums of small prices do not show float noise. */
const money = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * LLM tokens per day, with a cost estimate when prices are set, and today's use against the daily budget.
 * `dates` are the dashboard's days (oldest first, today last).
 */
export async function getLlmUsage(
  deps: Pick<ChatDeps, "db" | "dialect">,
  dates: string[],
  settings: LlmCostSettings,
): Promise<LlmUsageDto> {
  const perDay = await tokensPerDay(deps, new Date(`${dates[0]}T00:00:00Z`));
  const priced = settings.pricePer1kInput !== undefined || settings.pricePer1kOutput !== undefined;
  const cost = (tokens: DayTokens) =>
    priced
      ? money(
          (tokens.prompt / 1000) * (settings.pricePer1kInput ?? 0) +
            (tokens.completion / 1000) * (settings.pricePer1kOutput ?? 0),
        )
      : null;
  const days = dates.map((date) => {
    const tokens = perDay.get(date) ?? { prompt: 0, completion: 0 };
    return {
      date,
      prompt_tokens: tokens.prompt,
      completion_tokens: tokens.completion,
      cost_estimate: cost(tokens),
    };
  });
  const today = days.at(-1)!;
  const tokensToday = today.prompt_tokens + today.completion_tokens;
  return {
    days,
    tokens_today: tokensToday,
    daily_token_budget: settings.dailyTokenBudget ?? null,
    budget_exhausted: settings.dailyTokenBudget !== undefined && tokensToday >= settings.dailyTokenBudget,
    price_per_1k_input: settings.pricePer1kInput ?? null,
    price_per_1k_output: settings.pricePer1kOutput ?? null,
  };
}
