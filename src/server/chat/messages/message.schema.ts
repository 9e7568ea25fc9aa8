import { z } from "zod";
import { idSchema, sessionIdSchema, visitorIdSchema } from "../ids";
import { LIMITS } from "../limits";
import { pageInputSchema, pageOf } from "../pagination";
import { MESSAGE_STATUSES } from "./message-status";
import { messageTextSchema } from "../message-text";
import { FEEDBACK_RATINGS } from "../feedback/feedback.schema";
import { SYSTEM_MESSAGE_KINDS } from "~/shared/system-messages";
import { attachmentIdsSchema, attachmentSchema } from "../attachments/attachment.schema";

export const messageSourceSchema = z
  .object({
    title: z
      .string()
      .meta({ description: "The help article and section, e.g. “Privacy › Who can see my chats?”." }),
    url: z.string().meta({
      description: "Where to read it: /help/<article>#<section>.",
      example: "/help/rest-api#error-format-and-error-codes",
    }),
    score: z
      .number()
      .min(0)
      .max(1)
      .meta({ description: "Retrieval confidence, 0–1 (answers need at least the configured threshold)." }),
  })
  .meta({ id: "MessageSource" });
export type MessageSource = z.infer<typeof messageSourceSchema>;
export const messageSourcesSchema = z.array(messageSourceSchema);

export const messageSchema = z
  .object({
    id: z.uuid(),
    session_id: z.uuid(),
    role: z.enum(["user", "assistant", "agent", "system"]).meta({
      description:
        "user: the visitor; assistant: the bot; agent: a person answering from the admin inbox; system: a " +
        "visible step of the conversation (see kind), never part of the assistant's history.",
    }),
    kind: z
      .enum(SYSTEM_MESSAGE_KINDS)
      .nullable()
      .meta({
        description:
          "Role system only, else null: agent_joined (an agent claimed it; author_name says who), handed_back " +
          "(back to the assistant), closed (an agent closed it: the widget offers the rating), reopened (the " +
          "visitor wrote in a closed conversation). content holds an English rendering; show the kind in the " +
          "reader's language.",
      }),
    author_name: z.string().nullable().meta({
      description:
        "The agent's display name (role agent, and system kind agent_joined); null for the visitor and the assistant.",
    }),
    content: z
      .string()
      .meta({ description: "Markdown for assistant messages, plain text for user and agent messages." }),
    status: z.enum(MESSAGE_STATUSES).meta({
      description:
        "streaming: being written; complete: finished; failed: the assistant could not finish (partial text " +
        "kept, can be retried); stopped: the visitor stopped it (partial text kept, can be retried).",
    }),
    sources: messageSourcesSchema.meta({
      description:
        "The help-article passages an assistant reply is grounded in, best first. Empty for user messages, " +
        "for replies the help articles do not cover, and until a streaming reply is done.",
    }),
    feedback: z
      .enum(FEEDBACK_RATINGS)
      .nullable()
      .meta({
        description:
          "The visitor's rating of an assistant reply (POST /api/chats/messages/{id}/feedback/): up, down, or " +
          "null when not rated (always null for user messages).",
      }),
    attachments: z.array(attachmentSchema).meta({
      description: "The files sent with the message (visitor and agent messages); empty otherwise.",
    }),
    created_at: z.iso.datetime(),
  })
  .meta({ id: "Message" });
export type MessageDto = z.infer<typeof messageSchema>;

export const listMessagesInputSchema = pageInputSchema.extend({
  id: idSchema.meta({ description: "The session's id." }),
  visitor_id: visitorIdSchema,
  order: z.enum(["asc", "desc"]).default("asc").meta({
    description: "asc: oldest first (default); desc: newest first, to load the latest page of a long chat.",
  }),
});
export type ListMessagesInput = z.infer<typeof listMessagesInputSchema>;
export const messagePageSchema = pageOf(messageSchema);

export const chatInputSchema = z.strictObject({
  message: messageTextSchema({
    description: `The visitor's message (1–${LIMITS.messageMaxChars} characters).`,
    example: "How do I embed the widget?",
  }),
  session_id: sessionIdSchema,
  visitor_id: visitorIdSchema,
  attachment_ids: attachmentIdsSchema,
});
export type ChatInput = z.infer<typeof chatInputSchema>;

/** Addresses one assistant reply on behalf of a visitor (retry, stop). */
export const replyActionInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The assistant message's id." }),
  visitor_id: visitorIdSchema,
});
export type ReplyActionInput = z.infer<typeof replyActionInputSchema>;

/** Null while a person handles the conversation (mode waiting or agent): the assistant stays silent. */
const silentAssistantMessageSchema = messageSchema.nullable().meta({
  description:
    "The assistant's reply; null when the session is in waiting or agent mode (a person answers: the message " +
    "was stored and delivered to the agents, and the assistant stays silent).",
});

export const chatOutputSchema = z.object({
  user_message: messageSchema,
  assistant_message: silentAssistantMessageSchema,
});
export type ChatOutput = z.infer<typeof chatOutputSchema>;

/** What a streamed chat emits, in this order: start, delta*, then done or error. */
export const chatStreamEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("start"),
    user_message: messageSchema,
    assistant_message: silentAssistantMessageSchema,
  }),
  z.object({ type: z.literal("delta"), text: z.string() }),
  z.object({ type: z.literal("done"), assistant_message: messageSchema }),
  z.object({
    type: z.literal("error"),
    code: z.string(),
    message: z.string(),
    assistant_message: messageSchema,
  }),
]);
export type ChatStreamEvent = z.infer<typeof chatStreamEventSchema>;
