import { z } from "zod";
import { idSchema } from "../../chat/ids";
import { SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, searchWords } from "~/shared/search-snippet";
import { labelFilterSchema } from "../labels/labels.schema";
import { LIMITS } from "../../chat/limits";
import { messageSchema } from "../../chat/messages/message.schema";
import { pageInputSchema, pageOf } from "../../chat/pagination";
import { visitorSchema } from "../../chat/visitors/visitor.schema";
import { sessionModeSchema, sessionSchema } from "../../chat/sessions/session.schema";
import { adminVisitorContextSchema } from "./visitor-context";

const dayField = (field: string, description: string) =>
  z.iso
    .date({ error: `${field} must be a date as YYYY-MM-DD` })
    .optional()
    .meta({ description, example: "2026-11-01" });

/** Sessions started between two days (inclusive, UTC). Either end may be left open. */
export const createdBetweenInputSchema = z.strictObject({
  from: dayField("from", "First day (UTC) a session may have started on, inclusive."),
  to: dayField("to", "Last day (UTC) a session may have started on, inclusive."),
});
export type CreatedBetweenInput = z.infer<typeof createdBetweenInputSchema>;

export const SESSION_STATUS_FILTERS = ["any", "failed", "ok"] as const;

export const listAdminSessionsInputSchema = pageInputSchema.extend(createdBetweenInputSchema.shape).extend({
  status: z.enum(SESSION_STATUS_FILTERS).default("any").meta({
    description: "failed: at least one reply failed (worth a follow-up); ok: no reply failed; any (default).",
  }),
  visitor_id: idSchema.optional().meta({ description: "Only this visitor's sessions." }),
  assignee: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .meta({
      description:
        "`me`: the conversations the caller holds (mode agent); `none`: those nobody holds; a user id (or an " +
        "`api_key:<id>` agent): theirs. Left out: all.",
    }),
  mode: sessionModeSchema.optional().meta({
    description:
      "Only sessions in this mode: waiting (a visitor asked for a person: the inbox's queue), agent, bot, closed.",
  }),
  label: labelFilterSchema,
  q: z
    .string()
    .trim()
    .min(1, "q may not be empty")
    .max(SEARCH_MAX_CHARS, `q must be at most ${SEARCH_MAX_CHARS} characters`)
    .refine((q) => searchWords(q).length > 0, "q must contain a word (letters or digits)")
    .optional()
    .meta({
      description:
        "Full-text search in the conversations' visitor, assistant and agent messages (not system lines, not " +
        "private notes): every word must occur in one message, as a word or the start of one, ignoring case " +
        `(and accents on SQLite). Punctuation and quotes only separate words; at most ${SEARCH_MAX_WORDS} words ` +
        "are used. Conversations are ranked by their newest matching message and carry `match`; one page " +
        "(next_cursor is null, cursor is ignored).",
      example: "refund invoice",
    }),
  needs_follow_up: z
    .enum(["true", "false"], { error: "needs_follow_up must be true or false" })
    .transform((value) => value === "true")
    .optional()
    .meta({
      description:
        "true: only the follow-up queue — requests for a person nobody answered, until an agent replies or " +
        "closes them — newest request first (with the visitor's email); false: only the others.",
    }),
});
export type ListAdminSessionsInput = z.infer<typeof listAdminSessionsInputSchema>;

const adminSessionSchema = sessionSchema
  .extend({
    message_count: z.number().int(),
    failed_count: z.number().int().meta({ description: "Assistant replies that failed." }),
    agent_id: z.string().nullable().meta({
      description:
        "Who claimed it (mode agent): an admin user id, `api_key:<id>` or `bootstrap_key`; else null.",
    }),
    visitor_email: z.string().nullable().meta({
      description: "The address the visitor left for an answer (visitors.email); null if none.",
    }),
    follow_up_since: z.iso.datetime().nullable().meta({
      description: "While needs_follow_up: when the unanswered request was made; else null.",
    }),
    labels: z.array(z.string()).meta({ description: "The team's labels on it, in alphabetical order." }),
  })
  .meta({ id: "AdminSession" });
export type AdminSessionDto = z.infer<typeof adminSessionSchema>;

const searchMatchSchema = z
  .object({
    message_id: z.uuid(),
    role: z.enum(["user", "assistant", "agent"]),
    created_at: z.iso.datetime(),
    text: z.string().meta({
      description: "Plain text (never HTML) around the match, `…` where it was cut.",
    }),
    highlights: z
      .array(z.object({ start: z.number().int(), end: z.number().int() }))
      .meta({ description: "The matching words in `text`, as UTF-16 offsets (end exclusive), in order." }),
  })
  .meta({ id: "SearchMatch", description: "The newest message of the conversation that matches `q`." });

const adminSessionListItemSchema = adminSessionSchema
  .extend({
    match: searchMatchSchema
      .nullable()
      .optional()
      .meta({ description: "Only with `q`: the conversation's newest matching message." }),
  })
  .meta({ id: "AdminSessionListItem" });
export type AdminSessionListItemDto = z.infer<typeof adminSessionListItemSchema>;
export const adminSessionPageSchema = pageOf(adminSessionListItemSchema);

export const getTranscriptInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
});
export type GetTranscriptInput = z.infer<typeof getTranscriptInputSchema>;

/** One page of a transcript's messages (oldest first): the session's id, and the keyset cursor. */
export const getTranscriptPageInputSchema = getTranscriptInputSchema.extend({
  cursor: pageInputSchema.shape.cursor,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.transcriptPageMaxMessages)
    .default(LIMITS.transcriptPageDefaultMessages)
    .meta({
      description: `Messages per page (1–${LIMITS.transcriptPageMaxMessages}, default ${LIMITS.transcriptPageDefaultMessages}).`,
    }),
});
export type GetTranscriptPageInput = z.infer<typeof getTranscriptPageInputSchema>;

export const transcriptSchema = z
  .object({
    session: adminSessionSchema,
    visitor: visitorSchema,
    messages: z.array(messageSchema).meta({ description: "Every message, oldest first." }),
  })
  .meta({ id: "Transcript" });
export type TranscriptDto = z.infer<typeof transcriptSchema>;

/** A transcript with one page of its messages; session.message_count and failed_count count the whole session. */
export const transcriptPageSchema = transcriptSchema
  .extend({
    messages: z.array(messageSchema).meta({ description: "One page of the messages, oldest first." }),
    next_cursor: pageOf(messageSchema).shape.next_cursor,
    context: adminVisitorContextSchema.meta({
      description:
        "The visitor's context beside the conversation: the page they are on, referrer, language, browser and " +
        "OS, time zone, who identify() says they are (verified only with a valid user_hash), other conversations.",
    }),
  })
  .meta({ id: "TranscriptPage" });
export type TranscriptPageDto = z.infer<typeof transcriptPageSchema>;
