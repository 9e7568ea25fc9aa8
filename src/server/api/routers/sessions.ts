import {
  createSessionInputSchema,
  deleteSessionOutputSchema,
  listSessionsInputSchema,
  ownedSessionInputSchema,
  renameSessionInputSchema,
  sessionPageSchema,
  sessionSchema,
} from "../../chat/sessions/session.schema";
import {
  createSession,
  deleteSession,
  getSession,
  listSessions,
  renameSession,
} from "../../chat/sessions/sessions.service";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const sessionsRouter = createTRPCRouter({
  create: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/sessions",
        tags: ["Sessions"],
        summary: "STEP 2 — Create a session",
        description:
          "Starts a conversation for a visitor. visitor_id is required: create a visitor first (STEP 1).",
        successDescription: "The new session.",
      },
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
        summary: "List a visitor's sessions",
        description: "The visitor's sessions, most recent activity first, one page at a time.",
      },
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
        summary: "Get a session",
        description: "One session of the visitor. A session of another visitor → 403.",
      },
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
        summary: "Rename a session",
        description: "Sets the session's title. Does not change its place in the list.",
      },
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
        summary: "Delete a session",
        description: "Deletes the session and all its messages.",
      },
    })
    .input(ownedSessionInputSchema)
    .output(deleteSessionOutputSchema)
    .mutation(({ ctx, input }) => deleteSession(ctx.deps, input)),
});
