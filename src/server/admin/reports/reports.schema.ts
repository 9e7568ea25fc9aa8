import { z } from "zod";

/** The longest range a report covers (a leap year). */
export const REPORT_MAX_DAYS = 366;
/** The range when `from`/`to` are left out: the last 7 days, today included. */
export const REPORT_DEFAULT_DAYS = 7;

export const REPORT_GROUPS = ["day", "agent"] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

/** Whether `zone` is an IANA time zone this runtime knows (e.g. Europe/Berlin). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const dayField = (field: "from" | "to", description: string) =>
  z.iso
    .date({ error: `${field} must be a date as YYYY-MM-DD` })
    .optional()
    .meta({ description, example: "2026-11-01" });

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

export const reportInputSchema = z
  .strictObject({
    from: dayField(
      "from",
      `First day of the range, inclusive (in \`tz\`). Default: ${REPORT_DEFAULT_DAYS - 1} days before \`to\`.`,
    ),
    to: dayField("to", "Last day of the range, inclusive (in `tz`). Default: today."),
    group: z
      .enum(REPORT_GROUPS, { error: "group must be day or agent" })
      .default("day")
      .meta({ description: "day (default): one row per day of the range; agent: one row per agent." }),
    tz: z
      .string()
      .max(64)
      .refine(isTimeZone, { error: "tz must be an IANA time zone, e.g. Europe/Berlin" })
      .default("UTC")
      .meta({
        description: "The IANA time zone the days are counted in (default UTC).",
        example: "Europe/Berlin",
      }),
  })
  .superRefine((input, ctx) => {
    if (input.from && input.to && input.from > input.to)
      ctx.addIssue({ code: "custom", path: ["to"], message: "to must be on or after from" });
    else if (input.from && input.to && dayNumber(input.to) - dayNumber(input.from) + 1 > REPORT_MAX_DAYS)
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `the range may cover at most ${REPORT_MAX_DAYS} days`,
      });
  });
export type ReportInput = z.infer<typeof reportInputSchema>;

const seconds = z
  .number()
  .nullable()
  .meta({ description: "Seconds (nearest-rank percentile, whole seconds); null when there were none." });

const percentilesSchema = z.object({ p50: seconds, p90: seconds });

export const reportRowSchema = z.object({
  key: z
    .string()
    .nullable()
    .meta({
      description:
        "group=day: the day (YYYY-MM-DD, in `tz`). group=agent: the agent's display name (who sent the " +
        "conversation's first agent message); null for the conversations no agent answered.",
    }),
  conversations: z.number().int().meta({ description: "Conversations (sessions) started." }),
  handoffs: z.number().int().meta({ description: "Requests for a person made in these conversations." }),
  first_response_seconds: percentilesSchema.meta({
    description:
      "From each handoff request to the first agent message after it (requests never answered left out).",
  }),
  resolution_seconds: percentilesSchema.meta({
    description:
      "From the conversation's start to the first time an agent closed it (conversations never closed left out).",
  }),
  csat: z
    .object({
      average: z
        .number()
        .min(1)
        .max(5)
        .nullable()
        .meta({ description: "Mean rating, 2 decimals; null when none." }),
      count: z.number().int(),
    })
    .meta({ description: "The visitors' post-chat ratings (1–5) of these conversations." }),
  bot_resolution_rate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .meta({
      description:
        "Of the conversations with at least one assistant reply: the share (0–1, 4 decimals) with no handoff " +
        "request, no agent message and no thumbs-down; null when there were none.",
    }),
});
export type ReportRowDto = z.infer<typeof reportRowSchema>;

export const reportSchema = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    tz: z.string(),
    group: z.enum(REPORT_GROUPS),
    rows: z.array(reportRowSchema).meta({
      description:
        "group=day: every day of the range, oldest first (days with none are 0, figures null). group=agent: " +
        "agents by name, then the conversations no agent answered (key null).",
    }),
    totals: reportRowSchema.meta({ description: "The whole range (key null)." }),
  })
  .meta({ id: "Report" });
export type ReportDto = z.infer<typeof reportSchema>;

/** The CSV columns of GET /api/admin/reports/csv/, one row per group (then a total row). */
export const REPORT_CSV_COLUMNS = [
  "group",
  "conversations",
  "handoffs",
  "first_response_p50_seconds",
  "first_response_p90_seconds",
  "resolution_p50_seconds",
  "resolution_p90_seconds",
  "csat_average",
  "csat_count",
  "bot_resolution_rate",
] as const;
