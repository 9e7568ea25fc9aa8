import { z } from "zod";
import { MESSAGE_MAX_CHARS } from "~/shared/limits";
import { SAVED_REPLY_SHORTCUT_MAX_CHARS, SAVED_REPLY_SHORTCUT_PATTERN } from "~/shared/saved-replies";
import { idSchema } from "../../chat/ids";

const shortcutSchema = z
  .string({ error: "shortcut is required: what agents type after /, e.g. refund" })
  .trim()
  .min(1, "shortcut is required: what agents type after /, e.g. refund")
  .max(
    SAVED_REPLY_SHORTCUT_MAX_CHARS,
    `shortcut must be at most ${SAVED_REPLY_SHORTCUT_MAX_CHARS} characters`,
  )
  .regex(SAVED_REPLY_SHORTCUT_PATTERN, "shortcut may hold only letters, digits, - and _")
  .meta({ description: "What agents type after `/` in the inbox composer, e.g. `refund`." });

const contentSchema = z
  .string({ error: "content is required: the reply's text" })
  .trim()
  .min(1, "content is required: the reply's text")
  .max(MESSAGE_MAX_CHARS, `content must be at most ${MESSAGE_MAX_CHARS} characters`)
  .meta({ description: "The reply; `{{visitor.name}}` and `{{agent.name}}` are filled in when it is used." });

export const cannedResponseSchema = z
  .object({
    id: z.uuid(),
    shortcut: z.string(),
    content: z.string(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: "CannedResponse" });
export type CannedResponseDto = z.infer<typeof cannedResponseSchema>;

export const cannedResponseListSchema = z.object({ items: z.array(cannedResponseSchema) });

export const createCannedResponseInputSchema = z.strictObject({
  shortcut: shortcutSchema,
  content: contentSchema,
});
export type CreateCannedResponseInput = z.infer<typeof createCannedResponseInputSchema>;

export const updateCannedResponseInputSchema = z.strictObject({
  id: idSchema,
  shortcut: shortcutSchema.optional(),
  content: contentSchema.optional(),
});
export type UpdateCannedResponseInput = z.infer<typeof updateCannedResponseInputSchema>;

export const cannedResponseIdInputSchema = z.strictObject({ id: idSchema });
