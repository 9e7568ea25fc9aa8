import {
  apiKeyListSchema,
  apiKeySchema,
  createApiKeyInputSchema,
  createdApiKeySchema,
  revokeApiKeyInputSchema,
} from "../../admin/api-keys.schema";
import { createApiKey, listApiKeys, revokeApiKey } from "../../admin/api-keys.service";
import { dashboardSchema } from "../../admin/dashboard.schema";
import { getDashboard } from "../../admin/dashboard.service";
import {
  adminSessionPageSchema,
  getTranscriptInputSchema,
  listAdminSessionsInputSchema,
  transcriptSchema,
} from "../../chat/sessions/session-admin.schema";
import { getTranscript, listAdminSessions } from "../../chat/sessions/session-admin.service";
import { adminProcedure, adminSessionProcedure, createTRPCRouter } from "../trpc";
import { z } from "zod";

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
          description: "The session, its visitor and every message (role, time, status), oldest first.",
        },
        errors: ["SESSION_NOT_FOUND"],
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
      .meta({ errors: ["API_KEY_NOT_FOUND"] })
      .input(revokeApiKeyInputSchema)
      .output(apiKeySchema)
      .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, input)),
  }),
});
