import {
  apiKeyListSchema,
  apiKeySchema,
  createApiKeyInputSchema,
  createdApiKeySchema,
  revokeApiKeyInputSchema,
} from "../../admin/api-keys/api-keys.schema";
import { createApiKey, listApiKeys, revokeApiKey } from "../../admin/api-keys/api-keys.service";
import { dashboardSchema } from "../../admin/dashboard/dashboard.schema";
import { getDashboard } from "../../admin/dashboard/dashboard.service";
import {
  adminSessionPageSchema,
  getTranscriptPageInputSchema,
  listAdminSessionsInputSchema,
  transcriptPageSchema,
} from "../../admin/sessions/session-admin.schema";
import { getTranscriptPage, listAdminSessions } from "../../admin/sessions/session-admin.service";
import {
  getVisitorInputSchema,
  listVisitorsInputSchema,
  visitorDetailSchema,
  visitorPageSchema,
} from "../../admin/visitors/visitor-admin.schema";
import { getVisitorDetail, listVisitors } from "../../admin/visitors/visitor-admin.service";
import { adminProcedure, adminSessionProcedure, createTRPCRouter } from "../trpc";
import { adminWebhooksRouter } from "./admin-webhooks";
import { z } from "zod";

const LIST_VISITORS = {
  summary: "List visitors (admin)",
  description: "All visitors, newest first, one page at a time; `search` matches an id or text in metadata.",
  errors: ["INVALID_CURSOR"] as const,
  successMessage: "Visitors listed.",
};

const GET_VISITOR = {
  summary: "Get a visitor with its sessions (admin)",
  description: "One visitor, its session count and its 50 most recent sessions.",
  errors: ["VISITOR_NOT_FOUND"] as const,
  successMessage: "Visitor found.",
};

interface VisitorPaths {
  list: `/${string}`;
  get: `/${string}`;
}

/** One admin read, served at its /api/admin/... path and, for the seed's clients, at a documented alias path. */
function visitorsProcedures(path: VisitorPaths, tags: string[], aliasOf?: VisitorPaths) {
  const summary = (text: string) => (aliasOf ? `${text} — alias` : text);
  const note = (canonical: string) =>
    aliasOf
      ? ` Alias of \`GET /api${canonical}/\`, kept for the seed's clients. Requires the admin API key.`
      : "";
  return {
    list: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: path.list,
          tags,
          protect: true,
          summary: summary(LIST_VISITORS.summary),
          description: LIST_VISITORS.description + note(aliasOf?.list ?? ""),
        },
        errors: [...LIST_VISITORS.errors],
        rest: { successMessage: LIST_VISITORS.successMessage },
      })
      .input(listVisitorsInputSchema)
      .output(visitorPageSchema)
      .query(({ ctx, input }) => listVisitors(ctx.deps, input)),
    get: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: path.get,
          tags,
          protect: true,
          summary: summary(GET_VISITOR.summary),
          description: GET_VISITOR.description + note(aliasOf?.get ?? ""),
        },
        errors: [...GET_VISITOR.errors],
        rest: { successMessage: GET_VISITOR.successMessage },
      })
      .input(getVisitorInputSchema)
      .output(visitorDetailSchema)
      .query(({ ctx, input }) => getVisitorDetail(ctx.deps, input)),
  };
}

const VISITOR_PATHS: VisitorPaths = { list: "/admin/visitors", get: "/admin/visitors/{id}" };
const visitors = visitorsProcedures(VISITOR_PATHS, ["Admin"]);

/**
 * The seed documented the admin visitor reads under /api/chats/visitors: they stay there as aliases of
 * admin.visitors.* (trpc-to-openapi routes one path per procedure, so each alias is a thin procedure of its own).
 */
const seedAliases = visitorsProcedures(
  { list: "/chats/visitors", get: "/chats/visitors/{id}" },
  ["Visitors"],
  VISITOR_PATHS,
);

export const adminRouter = createTRPCRouter({
  dashboard: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/dashboard",
        tags: ["Admin"],
        protect: true,
        summary: "Totals and daily activity (admin)",
        description:
          "Visitors, sessions, messages and failed replies, and new sessions and messages per day (30 days).",
      },
      rest: { successMessage: "Dashboard." },
    })
    .input(z.strictObject({}).optional())
    .output(dashboardSchema)
    .query(({ ctx }) => getDashboard(ctx.deps)),

  visitors: createTRPCRouter({ list: visitors.list, get: visitors.get }),

  /** REST-only aliases (GET /api/chats/visitors[/{id}]/) of admin.visitors.list and admin.visitors.get. */
  chatsVisitorsAlias: createTRPCRouter({ list: seedAliases.list, get: seedAliases.get }),

  sessions: createTRPCRouter({
    list: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/sessions",
          tags: ["Admin"],
          protect: true,
          summary: "List sessions (admin)",
          description:
            "Every visitor's sessions, most recent activity first, with message and failed-reply counts; filter by " +
            "start day (`from`, `to`, UTC, inclusive), reply status, or visitor.",
        },
        errors: ["INVALID_DATE_RANGE", "INVALID_CURSOR"],
        rest: { successMessage: "Sessions listed." },
      })
      .input(listAdminSessionsInputSchema)
      .output(adminSessionPageSchema)
      .query(({ ctx, input }) => listAdminSessions(ctx.deps, input)),

    transcript: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/sessions/{id}",
          tags: ["Admin"],
          protect: true,
          summary: "Get a session's transcript (admin)",
          description:
            "The session, its visitor and one page of its messages (role, time, status), oldest first: pass " +
            "`next_cursor` as `cursor` for the next page (null on the last). The session's counts are the whole session's.",
        },
        errors: ["SESSION_NOT_FOUND", "INVALID_CURSOR"],
        rest: { successMessage: "Transcript found." },
      })
      .input(getTranscriptPageInputSchema)
      .output(transcriptPageSchema)
      .query(({ ctx, input }) => getTranscriptPage(ctx.deps, input)),
  }),

  /** Key management is for signed-in admins only, over tRPC from /admin/api-keys (not on the REST API). */
  apiKeys: createTRPCRouter({
    list: adminSessionProcedure.output(apiKeyListSchema).query(({ ctx }) => listApiKeys(ctx.deps)),
    create: adminSessionProcedure
      .input(createApiKeyInputSchema)
      .output(createdApiKeySchema)
      .mutation(({ ctx, input }) => createApiKey(ctx.deps, input, ctx.principal.userId)),
    revoke: adminSessionProcedure
      .meta({ errors: ["API_KEY_NOT_FOUND"] })
      .input(revokeApiKeyInputSchema)
      .output(apiKeySchema)
      .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, input)),
  }),

  /** Signed webhooks: endpoints and deliveries (routers/admin-webhooks.ts). */
  webhooks: adminWebhooksRouter,
});
