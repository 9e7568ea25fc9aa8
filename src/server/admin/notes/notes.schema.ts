import { z } from "zod";
import { MESSAGE_MAX_CHARS } from "~/shared/limits";
import { idSchema } from "../../chat/ids";

/** A private note on a conversation: seen by the team only, never by the visitor. */
export const sessionNoteSchema = z
  .object({
    id: z.uuid(),
    session_id: z.uuid(),
    author_id: z.string().meta({
      description: "Who wrote it: an admin user id, `api_key:<id>` or `bootstrap_key`.",
    }),
    author_name: z.string(),
    content: z.string(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: "SessionNote" });
export type SessionNoteDto = z.infer<typeof sessionNoteSchema>;

export const sessionNoteListSchema = z.object({
  items: z.array(sessionNoteSchema).meta({ description: "The conversation's notes, oldest first." }),
});

export const addSessionNoteInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
  content: z
    .string({ error: "content is required: the note's text" })
    .trim()
    .min(1, "content is required: the note's text")
    .max(MESSAGE_MAX_CHARS, `content must be at most ${MESSAGE_MAX_CHARS} characters`)
    .meta({ description: "The note; only the team sees it." }),
});
export type AddSessionNoteInput = z.infer<typeof addSessionNoteInputSchema>;

export const sessionNotesInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
});
