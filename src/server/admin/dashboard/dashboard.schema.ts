import { z } from "zod";

export const DASHBOARD_DAYS = 30;

export const llmUsageSchema = z
  .object({
    days: z
      .array(
        z.object({
          date: z.iso.date(),
          prompt_tokens: z.number().int(),
          completion_tokens: z.number().int(),
          cost_estimate: z
            .number()
            .nullable()
            .meta({ description: "From LLM_PRICE_PER_1K_INPUT/OUTPUT; null when no price is set." }),
        }),
      )
      .meta({ description: "Tokens the LLM reported per UTC day, the same days as `days`." }),
    tokens_today: z.number().int(),
    daily_token_budget: z
      .number()
      .int()
      .nullable()
      .meta({ description: "LLM_DAILY_TOKEN_BUDGET; null = none." }),
    budget_exhausted: z.boolean().meta({
      description: "Today's tokens reached the budget: replies come from the knowledge base until 00:00 UTC.",
    }),
    price_per_1k_input: z.number().nullable(),
    price_per_1k_output: z.number().nullable(),
  })
  .meta({ id: "LlmUsage" });
export type LlmUsageDto = z.infer<typeof llmUsageSchema>;
const share = z
  .number()
  .min(0)
  .max(1)
  .nullable()
  .meta({ description: "Answered questions ÷ (answered + unanswered), 0–1; null when there were none." });
const ratingAverage = z
  .number()
  .min(1)
  .max(5)
  .nullable()
  .meta({ description: "Mean conversation rating (1–5), to 2 decimals; null when there were none." });

/** The quality figures, the same for the totals and for each day. */
const qualityShape = {
  answered: z
    .number()
    .int()
    .meta({ description: "Replies grounded in a confident help-article passage (small talk not counted)." }),
  unanswered: z.number().int().meta({ description: "Replies with no confident passage (knowledge gaps)." }),
  answered_share: share,
  thumbs_up: z.number().int(),
  thumbs_down: z.number().int(),
  ratings: z.number().int().meta({ description: "Conversation ratings (1–5) given." }),
  rating_average: ratingAverage,
};

export const dashboardSchema = z
  .object({
    totals: z.object({
      visitors: z.number().int(),
      sessions: z.number().int(),
      messages: z.number().int(),
      failed_replies: z.number().int(),
      ...qualityShape,
    }),
    days: z
      .array(
        z.object({
          date: z.iso.date(),
          sessions: z.number().int(),
          messages: z.number().int(),
          ...qualityShape,
        }),
      )
      .meta({
        description:
          `The last ${DASHBOARD_DAYS} days (UTC), oldest first, today last; days with none are 0 (shares and ` +
          "averages null). Replies count on the day they were written, thumbs and ratings on the day last given.",
      }),
    llm_usage: llmUsageSchema,
  })
  .meta({ id: "Dashboard" });
export type DashboardDto = z.infer<typeof dashboardSchema>;
