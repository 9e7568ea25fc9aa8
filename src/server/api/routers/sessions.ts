import {
  createSessionInputSchema,
  deleteSessionOutputSchema,
  listSessionsInputSchema,
  ownedSessionInputSchema,
  renameSessionInputSchema,
  sessionPageSchema,
  sessionEventsInputSchema,
  sessionSchema,
} from "../../chat/sessions/session.schema";
import { followSessionEvents } from "../../chat/messages/messages.service";
import {
  createSession,
  deleteSession,
  getSession,
  listSessions,
  renameSession,
} from "../../chat/sessions/sessions.service";
import { sessionRatingInputSchema, sessionRatingSchema } from "../../chat/feedback/feedback.schema";
import { rateSession } from "../../chat/feedback/feedback.service";
import type { DomainErrorId } from "../../errors/app-error";
import { tracked } from "@trpc/server";
import { handoffStateSchema, typingInputSchema, typingOutputSchema } from "../../chat/handoff/handoff.schema";
import { getHandoffState, requestHandoff, visitorTyping } from "../../chat/handoff/handoff.service";
import { createTRPCRouter, publicProcedure } from "../trpc";
import { transcriptRequestInputSchema } from "../../chat/email/transcript.schema";
import { requestTranscript } from "../../chat/email/transcript-request";

/** What findOwnedSession refuses: every call on a session or its messages can answer these. */
export const SESSION_ERRORS = [
  "VISITOR_NOT_FOUND",
  "SESSION_NOT_FOUND",
  "SESSION_OF_ANOTHER_VISITOR",
] as const satisfies DomainErrorId[];

export const sessionsRouter = createTRPCRouter({
  create: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/sessions",
        tags: ["Sessions"],
        protect: false,
        summary: "STEP 2 — Create a session",
        description:
          "Starts a conversation for a visitor. visitor_id is required: create a visitor first (STEP 1).",
        successDescription: "The new session.",
      },
      errors: ["VISITOR_NOT_FOUND", "IDENTITY_REQUIRED"],
      rest: { successStatus: 201, successMessage: "Session created." },
      rateLimit: "createSession",
    })
    .input(createSessionInputSchema)
    .output(sessionSchema)
    .mutation(({ ctx, input }) => createSession(ctx.deps, input)),

  list: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/sessions",
        tags: ["Sessions"],
        protect: false,
        summary: "List a visitor's sessions",
        description: "The visitor's sessions, most recent activity first, one page at a time.",
      },
      errors: ["VISITOR_NOT_FOUND", "INVALID_CURSOR"],
      rest: { successMessage: "Sessions listed." },
      rateLimit: "readHistory",
    })
    .input(listSessionsInputSchema)
    .output(sessionPageSchema)
    .query(({ ctx, input }) => listSessions(ctx.deps, input)),

  get: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/sessions/{id}",
        tags: ["Sessions"],
        protect: false,
        summary: "Get a session",
        description: "One session of the visitor. A session of another visitor → 403.",
      },
      errors: SESSION_ERRORS,
      rest: { successMessage: "Session found." },
      rateLimit: "readHistory",
    })
    .input(ownedSessionInputSchema)
    .output(sessionSchema)
    .query(({ ctx, input }) => getSession(ctx.deps, input)),

  rename: publicProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/chats/sessions/{id}",
        tags: ["Sessions"],
        protect: false,
        summary: "Rename a session",
        description: "Sets the session's title. Does not change its place in the list.",
      },
      errors: SESSION_ERRORS,
      rest: { successMessage: "Session renamed." },
      rateLimit: "changeSession",
    })
    .input(renameSessionInputSchema)
    .output(sessionSchema)
    .mutation(({ ctx, input }) => renameSession(ctx.deps, input)),

  delete: publicProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/chats/sessions/{id}",
        tags: ["Sessions"],
        protect: false,
        summary: "Delete a session",
        description: "Deletes the session and all its messages.",
      },
      errors: SESSION_ERRORS,
      rest: { successMessage: "Session deleted." },
      rateLimit: "changeSession",
    })
    .input(ownedSessionInputSchema)
    .output(deleteSessionOutputSchema)
    .mutation(({ ctx, input }) => deleteSession(ctx.deps, input)),

  rating: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/sessions/{id}/rating",
        tags: ["Sessions"],
        protect: false,
        summary: "Rate a conversation (1–5)",
        description:
          "The visitor's rating of the whole conversation, 1 (poor) to 5 (excellent), with an optional comment. " +
          "One per session: rating again replaces it. visitor_id must be the session's visitor.",
      },
      errors: [...SESSION_ERRORS, "IDENTITY_REQUIRED"],
      rest: { successMessage: "Conversation rated." },
      rateLimit: "changeSession",
    })
    .input(sessionRatingInputSchema)
    .output(sessionRatingSchema)
    .mutation(({ ctx, input }) => rateSession(ctx.deps, input)),
  /**
   * The session's events over SSE (httpSubscriptionLink): each `tracked` with its sequence as the id, so a
   * reconnect resumes after the last event received with no gap and no duplicate. REST: GET
   * /api/chats/sessions/{id}/events/ (src/server/rest/session-events.ts).
   */
  events: publicProcedure
    .meta({ errors: SESSION_ERRORS, rateLimit: "readHistory" })
    .input(sessionEventsInputSchema)
    .subscription(async ({ ctx, input, signal }) => {
      // Followed (ownership checked, the bus subscribed) before tRPC tells the client the stream is open: what the
      // client does once it is open (a message, a rename) is never lost to the gap before the first read.
      const events = await followSessionEvents(ctx.deps, input, signal ?? new AbortController().signal);
      return (async function* () {
        for await (const event of events) {
          // `{ type, data }`, kept one variant per type (the widget narrows on `type`).
          const { seq, session_id: _sessionId, ...body } = event;
          yield tracked(String(seq), body);
        }
      })();
    }),

  handoff: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/sessions/{id}/handoff",
        tags: ["Sessions"],
        protect: false,
        summary: "Ask for a person",
        description:
          "The visitor asks to talk to a person. With an agent online the session waits for one (mode waiting: " +
          "the assistant stays silent, the agents are notified); with nobody online it stays with the assistant " +
          "and `status` is `unavailable` (offer to leave an email). Asking again changes nothing.",
      },
      errors: [...SESSION_ERRORS, "IDENTITY_REQUIRED"],
      rest: { successMessage: "Handoff requested." },
      rateLimit: "changeSession",
    })
    .input(ownedSessionInputSchema)
    .output(handoffStateSchema)
    .mutation(({ ctx, input }) => requestHandoff(ctx.deps, input)),

  handoffState: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/sessions/{id}/handoff",
        tags: ["Sessions"],
        protect: false,
        summary: "Where a request for a person stands",
        description:
          "waiting, agent, none, or unavailable. A request that no agent claimed within HANDOFF_TIMEOUT_SECONDS " +
          "goes back to the assistant and reads `unavailable` from then on.",
      },
      errors: SESSION_ERRORS,
      rest: { successMessage: "Handoff state." },
      rateLimit: "readHistory",
    })
    .input(ownedSessionInputSchema)
    .output(handoffStateSchema)
    .query(({ ctx, input }) => getHandoffState(ctx.deps, input)),

  transcript: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/sessions/{id}/transcript",
        tags: ["Sessions"],
        protect: false,
        summary: "Ask for a transcript by email",
        description:
          "The visitor asks for the conversation's transcript by email (requested true, the default) or withdraws " +
          "it (false). Each time an agent closes the conversation, one transcript (every message and visible step, " +
          "never private notes) is emailed to the visitor's address; `email` gives one when the visitor has none " +
          "yet. Nothing is sent while email is off on the server (docs/email.md).",
      },
      errors: [...SESSION_ERRORS, "IDENTITY_REQUIRED", "TRANSCRIPT_EMAIL_REQUIRED"],
      rest: { successMessage: "Transcript request saved." },
      rateLimit: "changeSession",
    })
    .input(transcriptRequestInputSchema)
    .output(sessionSchema)
    .mutation(({ ctx, input }) => requestTranscript(ctx.deps, input)),

  typing: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/sessions/{id}/typing",
        tags: ["Sessions"],
        protect: false,
        summary: "Typing signal",
        description:
          "Tells the agent the visitor is typing (active true) or stopped (false): a `typing` event, delivered " +
          "live and never stored.",
      },
      errors: [...SESSION_ERRORS, "IDENTITY_REQUIRED"],
      rest: { successMessage: "Typing signal sent." },
      rateLimit: "readHistory",
    })
    .input(typingInputSchema)
    .output(typingOutputSchema)
    .mutation(({ ctx, input }) => visitorTyping(ctx.deps, input)),
});
