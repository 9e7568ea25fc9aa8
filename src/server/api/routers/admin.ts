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
  getTranscriptInputSchema,
  listAdminSessionsInputSchema,
  transcriptSchema,
} from "../../admin/sessions/session-admin.schema";
import { getTranscript, listAdminSessions } from "../../admin/sessions/session-admin.service";
import { adminProcedure, adminSessionProcedure, createTRPCRouter } from "../trpc";
import { z } from "zod";

const ADMIN_AUTH_ERRORS = { 401: "Not signed in, or a missing, wrong or revoked API key." };

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
        errorResponses: ADMIN_AUTH_ERRORS,
      },
      rest: { successMessage: "Dashboard." },
    })
    .input(z.strictObject({}).optional())
    .output(dashboardSchema)
    .query(({ ctx }) => getDashboard(ctx.deps)),

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
          errorResponses: { 400: "Invalid query.", ...ADMIN_AUTH_ERRORS },
        },
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
          description: "The session, its visitor and every message (role, time, status), oldest first.",
          errorResponses: { ...ADMIN_AUTH_ERRORS, 404: "No such session." },
        },
        rest: { successMessage: "Transcript found." },
      })
      .input(getTranscriptInputSchema)
      .output(transcriptSchema)
      .query(({ ctx, input }) => getTranscript(ctx.deps, input)),
  }),

  /** Key management is for signed-in admins only, over tRPC from /admin/api-keys (not on the REST API). */
  apiKeys: createTRPCRouter({
    list: adminSessionProcedure.output(apiKeyListSchema).query(({ ctx }) => listApiKeys(ctx.deps)),
    create: adminSessionProcedure
      .input(createApiKeyInputSchema)
      .output(createdApiKeySchema)
      .mutation(({ ctx, input }) => createApiKey(ctx.deps, input, ctx.principal.userId)),
    revoke: adminSessionProcedure
      .input(revokeApiKeyInputSchema)
      .output(apiKeySchema)
      .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, input)),
  }),
});
