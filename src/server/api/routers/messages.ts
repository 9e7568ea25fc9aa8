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
  startChat,
  startRetry,
  stopReply,
} from "../../chat/messages/messages.service";
import { createTRPCRouter, publicProcedure } from "../trpc";

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
        errorResponses: {
          400: "visitor_id missing or invalid cursor/limit.",
          403: "The session belongs to another visitor.",
          404: "No such session or visitor.",
        },
      },
      rest: { successMessage: "Messages listed." },
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
        errorResponses: {
          400: "message, session_id or visitor_id missing or invalid.",
          403: "The session belongs to another visitor.",
          404: "No such session or visitor.",
          502: "The assistant failed; the visitor's message was saved.",
        },
      },
      rest: { successMessage: "Reply generated." },
      rateLimit: "sendMessage",
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
    .meta({ rateLimit: "sendMessage" })
    .input(chatInputSchema)
    .mutation(async ({ ctx, input }) => {
      const started = await startChat(ctx.deps, input);
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
        errorResponses: {
          400: "visitor_id missing, or id is not an assistant message.",
          403: "The session belongs to another visitor.",
          404: "No such message, session or visitor.",
          409:
            "The reply is not failed or stopped (e.g. still being written). A streaming reply not saved for " +
            "REPLY_LEASE_SECONDS (its server died) counts as failed.",
          502: "The assistant failed again; the reply is stored as failed.",
        },
      },
      rest: { successMessage: "Reply regenerated." },
      rateLimit: "sendMessage",
    })
    .input(replyActionInputSchema)
    .output(chatOutputSchema)
    .mutation(({ ctx, input }) => retry(ctx.deps, input)),

  /** Streamed retry for the widget (same transport as chatStream). */
  retryStream: publicProcedure
    .meta({ rateLimit: "sendMessage" })
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
        errorResponses: {
          400: "visitor_id missing, or id is not an assistant message.",
          403: "The session belongs to another visitor.",
          404: "No such message, session or visitor.",
        },
      },
      rest: { successMessage: "Reply stopped." },
    })
    .input(replyActionInputSchema)
    .output(messageSchema)
    .mutation(({ ctx, input }) => stopReply(ctx.deps, input)),
});
