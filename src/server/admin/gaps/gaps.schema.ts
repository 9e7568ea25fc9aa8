import { z } from "zod";

export const GAP_DAYS_DEFAULT = 30;
export const GAP_DAYS_MAX = 365;
/** The most recent signals read per request (the page groups these). */
export const GAP_SIGNALS_MAX = 2000;
/** Groups returned, most frequent first. */
export const GAP_GROUPS_MAX = 100;
/** Example questions (and their transcripts) kept per group. */
export const GAP_EXAMPLES_MAX = 5;

/**
 * Why a question is a gap. `handoff` (the visitor asked for a person) is reserved for the handoff feature:
 * it adds a signal source in gaps.service.ts (see GAP_SIGNAL_SOURCES) and nothing else changes.
 */
export const GAP_REASONS = ["no_answer", "thumbs_down", "handoff"] as const;
export type GapReason = (typeof GAP_REASONS)[number];

export const listGapsInputSchema = z.strictObject({
  days: z.coerce
    .number({ error: `days must be a whole number from 1 to ${GAP_DAYS_MAX}` })
    .int(`days must be a whole number from 1 to ${GAP_DAYS_MAX}`)
    .min(1, "days must be at least 1")
    .max(GAP_DAYS_MAX, `days must be at most ${GAP_DAYS_MAX}`)
    .default(GAP_DAYS_DEFAULT)
    .meta({ description: `The last this many days (1–${GAP_DAYS_MAX}, default ${GAP_DAYS_DEFAULT}).` }),
});
export type ListGapsInput = z.infer<typeof listGapsInputSchema>;

const gapExampleSchema = z.object({
  question: z.string().meta({ description: "The visitor's question, as asked." }),
  reason: z.enum(GAP_REASONS),
  comment: z.string().nullable().meta({ description: "The visitor's comment with a thumbs-down, if any." }),
  session_id: z.uuid().meta({ description: "Its transcript: /admin/sessions/<session_id>." }),
  message_id: z.uuid().meta({ description: "The assistant reply that did not answer it." }),
  at: z.iso.datetime(),
});

export const gapGroupSchema = z
  .object({
    question: z
      .string()
      .meta({ description: "The group's most recent question: a starting point for an article." }),
    terms: z.array(z.string()).meta({ description: "The normalised topic terms the group was formed on." }),
    count: z
      .number()
      .int()
      .meta({ description: "Signals in the group (a question may count twice: unanswered and rated down)." }),
    reasons: z.object({
      no_answer: z.number().int(),
      thumbs_down: z.number().int(),
      handoff: z.number().int(),
    }),
    sessions: z.number().int().meta({ description: "Distinct conversations." }),
    last_seen_at: z.iso.datetime(),
    examples: z
      .array(gapExampleSchema)
      .meta({ description: `Up to ${GAP_EXAMPLES_MAX}, most recent first.` }),
  })
  .meta({ id: "GapGroup" });
export type GapGroupDto = z.infer<typeof gapGroupSchema>;

export const gapListSchema = z
  .object({
    days: z.number().int(),
    since: z.iso.datetime(),
    signals: z.number().int().meta({ description: "Signals found in the window (grouped below)." }),
    truncated: z
      .boolean()
      .meta({ description: `More than ${GAP_SIGNALS_MAX} signals: only the most recent were grouped.` }),
    groups: z.array(gapGroupSchema).meta({ description: `Most frequent first, at most ${GAP_GROUPS_MAX}.` }),
  })
  .meta({ id: "GapList" });
export type GapListDto = z.infer<typeof gapListSchema>;
