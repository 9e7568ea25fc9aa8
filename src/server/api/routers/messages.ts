import {
  chatInputSchema,
  chatOutputSchema,
  listMessagesInputSchema,
  messagePageSchema,
  messageSchema,
  replyActionInputSchema,
} from "../../chat/messages/message.schema";
import {
  chat,
  chatStreamEvents,
  listMessages,
  retry,
  openChat,
  startRetry,
  stopReply,
} from "../../chat/messages/messages.service";
import { messageFeedbackInputSchema, messageFeedbackSchema } from "../../chat/feedback/feedback.schema";
import { rateMessage } from "../../chat/feedback/feedback.service";
import { createTRPCRouter, publicProcedure } from "../trpc";
import { SESSION_ERRORS } from "./sessions";

/** A call on one reply (findOwnedReply). */
const REPLY_ERRORS = [...SESSION_ERRORS, "MESSAGE_NOT_FOUND", "NOT_AN_ASSISTANT_MESSAGE"] as const;
const RETRY_ERRORS = [...REPLY_ERRORS, "REPLY_NOT_RETRYABLE", "REPLY_FAILED", "IDENTITY_REQUIRED"] as const;
/** Sending a message (IDENTITY_REQUIRED: only identified visitors may). */
const SEND_ERRORS = [...SESSION_ERRORS, "IDENTITY_REQUIRED"] as const;

export const messagesRouter = createTRPCRouter({
  list: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/sessions/{id}/messages",
        tags: ["Sessions"],
        protect: false,
        summary: "List a session's messages",
        description:
          "The session's messages in conversation order (order=desc for newest first), one page at a time.",
      },
      errors: [...SESSION_ERRORS, "INVALID_CURSOR"],
      rest: { successMessage: "Messages listed." },
      rateLimit: "readHistory",
    })
    .input(listMessagesInputSchema)
    .output(messagePageSchema)
    .query(({ ctx, input }) => listMessages(ctx.deps, input)),

  chat: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/messages/chat",
        tags: ["Messages"],
        protect: false,
        summary: "STEP 3 — Chat",
        description:
          "Stores the visitor's message, waits for the assistant's reply and returns both. visitor_id must be the session's visitor.",
      },
      errors: [...SEND_ERRORS, "REPLY_FAILED"],
      rest: { successMessage: "Reply generated." },
      rateLimit: "sendMessage",
      startsReply: true,
    })
    .input(chatInputSchema)
    .output(chatOutputSchema)
    .mutation(({ ctx, input }) => chat(ctx.deps, input)),

  /**
   * Streamed chat for the widget. A mutation returning an async iterable, delivered by httpBatchStreamLink as
   * a chunked JSON-lines response: one POST per message (no long-lived SSE subscription to hold open between
   * messages, body size not limited by a URL), the same link as every other call, and aborting the request
   * from the client (the stop button) ends it. Ownership and validation errors are raised before the stream
   * starts, so they arrive as ordinary typed errors.
   */
  chatStream: publicProcedure
    .meta({ errors: SEND_ERRORS, rateLimit: "sendMessage", stream: true, startsReply: true })
    .input(chatInputSchema)
    .mutation(async ({ ctx, input }) => {
      const started = await openChat(ctx.deps, input);
      return chatStreamEvents(started);
    }),

  retry: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/messages/{id}/retry",
        tags: ["Messages"],
        protect: false,
        summary: "Retry a failed or stopped reply",
        description:
          "Regenerates the assistant reply `id` (status failed or stopped) from the visitor's question before it, " +
          "in place (same message id), and waits for it. visitor_id must be the session's visitor.",
      },
      errors: RETRY_ERRORS,
      rest: { successMessage: "Reply regenerated." },
      rateLimit: "sendMessage",
      startsReply: true,
    })
    .input(replyActionInputSchema)
    .output(chatOutputSchema)
    .mutation(({ ctx, input }) => retry(ctx.deps, input)),

  /** Streamed retry for the widget (same transport as chatStream). */
  retryStream: publicProcedure
    .meta({ errors: RETRY_ERRORS, rateLimit: "sendMessage", stream: true, startsReply: true })
    .input(replyActionInputSchema)
    .mutation(async ({ ctx, input }) => {
      return chatStreamEvents(await startRetry(ctx.deps, input));
    }),

  stop: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/messages/{id}/stop",
        tags: ["Messages"],
        protect: false,
        summary: "Stop a reply being written",
        description:
          "Cancels the generation of the assistant reply `id` and keeps the text so far, with status stopped. " +
          "Closing a stream does not stop a reply (it completes and is stored); this does.",
      },
      errors: REPLY_ERRORS,
      rest: { successMessage: "Reply stopped." },
      rateLimit: "stopReply",
    })
    .input(replyActionInputSchema)
    .output(messageSchema)
    .mutation(({ ctx, input }) => stopReply(ctx.deps, input)),

  feedback: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/messages/{id}/feedback",
        tags: ["Messages"],
        protect: false,
        summary: "Rate a reply (thumbs up/down)",
        description:
          "The visitor's rating of the assistant reply `id`: up or down, with an optional comment; rating again " +
          "replaces it, null withdraws it. Only finished replies in the visitor's own sessions can be rated.",
      },
      errors: [
        ...SESSION_ERRORS,
        "MESSAGE_NOT_FOUND",
        "FEEDBACK_ON_VISITOR_MESSAGE",
        "REPLY_NOT_FINISHED",
        "IDENTITY_REQUIRED",
      ],
      rest: { successMessage: "Reply rated." },
      rateLimit: "changeSession",
    })
    .input(messageFeedbackInputSchema)
    .output(messageFeedbackSchema)
    .mutation(({ ctx, input }) => rateMessage(ctx.deps, input)),
});
