import { z } from "zod";
import { LABEL_MAX_CHARS, LABELS_PER_SESSION_MAX } from "~/shared/labels";
import { idSchema } from "../../chat/ids";

/** One label: trimmed, 1–40 characters. */
export const labelSchema = z
  .string({ error: "each label must be a string" })
  .trim()
  .min(1, "a label may not be empty")
  .max(LABEL_MAX_CHARS, `a label must be at most ${LABEL_MAX_CHARS} characters`)
  .meta({
    description: `A label, trimmed, 1–${LABEL_MAX_CHARS} characters, e.g. \`billing\`.`,
    example: "billing",
  });

export const setSessionLabelsInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
  labels: z
    .array(labelSchema, { error: "labels is required: a list of strings ([] removes every label)" })
    .max(LABELS_PER_SESSION_MAX, `at most ${LABELS_PER_SESSION_MAX} labels`)
    .meta({
      description:
        `The conversation's labels, replacing the ones it had (at most ${LABELS_PER_SESSION_MAX}; ` +
        "duplicates are kept once; `[]` removes them all).",
    }),
});
export type SetSessionLabelsInput = z.infer<typeof setSessionLabelsInputSchema>;

export const sessionLabelsSchema = z
  .object({
    session_id: z.uuid(),
    labels: z.array(z.string()).meta({ description: "The conversation's labels, in alphabetical order." }),
  })
  .meta({ id: "SessionLabels" });
export type SessionLabelsDto = z.infer<typeof sessionLabelsSchema>;

export const labelUsageListSchema = z.object({
  items: z
    .array(
      z.object({
        label: z.string(),
        count: z.number().int().meta({ description: "Conversations that carry it." }),
      }),
    )
    .meta({ description: "Every label in use, the most used first (then alphabetical)." }),
});
export type LabelUsageListDto = z.infer<typeof labelUsageListSchema>;

/** The `label` filter of `GET /api/admin/sessions/`. */
export const labelFilterSchema = labelSchema.optional().meta({
  description: "Only conversations that carry this label (exact, after trimming).",
});
