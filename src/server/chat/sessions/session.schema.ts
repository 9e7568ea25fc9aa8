import { z } from "zod";
import { LOCALES } from "~/i18n/locales";
import { SESSION_MODES } from "~/shared/session-modes";
import { idSchema, visitorIdSchema } from "../ids";
import { plainText, LIMITS, wellFormedText } from "../limits";
import { pageInputSchema, pageOf } from "../pagination";

const titleSchema = z
  .string()
  .trim()
  .min(1, "title must not be empty")
  .max(LIMITS.titleMaxChars, `title must be at most ${LIMITS.titleMaxChars} characters`)
  .check(plainText("title"))
  .check(wellFormedText("title"))
  .meta({ description: "A name for the conversation.", example: "Billing question" });

/** Who answers the visitor: defined once in src/shared/ (the browser imports it from there). */
export { SESSION_MODES, type SessionMode } from "~/shared/session-modes";
export const sessionModeSchema = z.enum(SESSION_MODES).meta({
  description:
    "bot: the assistant answers (default); waiting: the visitor asked for a person and the assistant is silent " +
    "until an agent claims it; agent: a person answers (the assistant is silent); closed: an agent closed it " +
    "(the visitor's next message reopens it in bot mode).",
});

/** The visitor's language: one of the widget's locales (src/i18n/locales.ts). */
export const sessionLocaleSchema = z
  .enum(LOCALES, { error: `locale must be one of ${LOCALES.join(", ")}` })
  .meta({
    description:
      "The visitor's language (the widget's). Built-in replies of the assistant and of handoff, and emails to the " +
      "visitor, use it; null when not given (replies then follow the message's language, else English).",
    example: "de",
  });

export const sessionSchema = z
  .object({
    id: z.uuid(),
    visitor_id: z.uuid(),
    title: z
      .string()
      .nullable()
      .meta({ description: "Null until given or until the first message names it." }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime().meta({ description: "Time of the latest message (or of creation)." }),
    mode: sessionModeSchema,
    agent_name: z
      .string()
      .nullable()
      .meta({ description: "The display name of the agent handling it (mode agent), else null." }),
    handoff_requested_at: z.iso
      .datetime()
      .nullable()
      .meta({
        description:
          "When the visitor last asked for a person and no agent has claimed it since; null otherwise. With mode " +
          "bot it means nobody was available (the visitor may leave an email).",
      }),
    locale: sessionLocaleSchema.nullable(),
    needs_follow_up: z.boolean().meta({
      description:
        "true while a request for a person went unanswered (nobody was online, or nobody claimed it within " +
        "HANDOFF_TIMEOUT_SECONDS) and no agent has replied or closed it since: the inbox's Follow up queue " +
        "(GET /api/admin/sessions/?needs_follow_up=true).",
    }),
    transcript_requested: z.boolean().meta({
      description:
        "The visitor asked for a transcript by email (POST /api/chats/sessions/{id}/transcript/): one is sent each " +
        "time an agent closes the conversation.",
    }),
  })
  .meta({ id: "Session" });
export type SessionDto = z.infer<typeof sessionSchema>;

export const createSessionInputSchema = z.strictObject({
  visitor_id: visitorIdSchema,
  title: titleSchema.optional(),
  locale: sessionLocaleSchema.optional(),
});
export type CreateSessionInput = z.infer<typeof createSessionInputSchema>;

export const listSessionsInputSchema = pageInputSchema.extend({ visitor_id: visitorIdSchema });
export type ListSessionsInput = z.infer<typeof listSessionsInputSchema>;
export const sessionPageSchema = pageOf(sessionSchema);

/** Identifies a session on behalf of a visitor: the visitor must own it. */
export const ownedSessionInputSchema = z.strictObject({ id: idSchema, visitor_id: visitorIdSchema });
export type OwnedSessionInput = z.infer<typeof ownedSessionInputSchema>;

/**
 * Following a session's events: the last event the client has (tRPC's lastEventId, set by httpSubscriptionLink
 * when it reconnects; the SSE route reads Last-Event-ID / last_event_id into it). Absent on a first connection.
 */
export const sessionEventsInputSchema = ownedSessionInputSchema.extend({
  lastEventId: z
    .string()
    .regex(/^\d{1,16}$/, "lastEventId must be the id of an event received (digits)")
    .nullish()
    .meta({ description: "The id of the last event received, to resume after it." }),
});
export type SessionEventsInput = z.infer<typeof sessionEventsInputSchema>;

export const renameSessionInputSchema = ownedSessionInputSchema.extend({ title: titleSchema });
export type RenameSessionInput = z.infer<typeof renameSessionInputSchema>;

export const deleteSessionOutputSchema = z.object({ id: z.uuid(), deleted: z.literal(true) });
