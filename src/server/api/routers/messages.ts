import {
  chatInputSchema,
  chatOutputSchema,
  listMessagesInputSchema,
  messagePageSchema,
} from "../../chat/messages/message.schema";
import { chat, chatStreamEvents, listMessages, startChat } from "../../chat/messages/messages.service";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const messagesRouter = createTRPCRouter({
  list: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/sessions/{id}/messages",
        tags: ["Sessions"],
        summary: "List a session's messages",
        description:
          "The session's messages in conversation order (order=desc for newest first), one page at a time.",
      },
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
        summary: "STEP 3 — Chat",
        description:
          "Stores the visitor's message, waits for the assistant's reply and returns both. visitor_id must be the session's visitor.",
      },
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
  chatStream: publicProcedure.input(chatInputSchema).mutation(async ({ ctx, input }) => {
    const started = await startChat(ctx.deps, input);
    return chatStreamEvents(started);
  }),
});
