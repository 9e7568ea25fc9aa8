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

export const dashboardSchema = z
  .object({
    totals: z.object({
      visitors: z.number().int(),
      sessions: z.number().int(),
      messages: z.number().int(),
      failed_replies: z.number().int(),
    }),
    days: z
      .array(z.object({ date: z.iso.date(), sessions: z.number().int(), messages: z.number().int() }))
      .meta({
        description: `The last ${DASHBOARD_DAYS} days (UTC), oldest first, today last; days with none are 0.`,
      }),
    llm_usage: llmUsageSchema,
  })
  .meta({ id: "Dashboard" });
export type DashboardDto = z.infer<typeof dashboardSchema>;
