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
import { gapListSchema, listGapsInputSchema } from "../../admin/gaps/gaps.schema";
import { listGaps } from "../../admin/gaps/gaps.service";
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
import { auditPageSchema, listAuditInputSchema } from "../../admin/audit/audit.schema";
import { listAudit } from "../../admin/audit/audit.service";
import { auditByOf } from "../../admin/auth/admin-access";
import { exportVisitor, visitorExportSchema } from "../../admin/visitors/visitor-export";
import { eraseVisitor, toVisitorErasedDto } from "../../chat/visitors/erase-visitor";
import { visitorErasedSchema } from "../../chat/visitors/visitor.schema";
import {
  updateWidgetSettingsInputSchema,
  widgetSettingsSchema,
} from "../../admin/settings/widget-settings.schema";
import {
  describeActor,
  getWidgetSettings,
  updateWidgetSettings,
} from "../../admin/settings/widget-settings.service";
import { adminProcedure, adminSessionProcedure, createTRPCRouter } from "../trpc";
import { adminKnowledgeRouter } from "./admin-knowledge";
import { adminWebhooksRouter } from "./admin-webhooks";
import { z } from "zod";
import { tracked } from "@trpc/server";
import {
  agentMessageInputSchema,
  agentSessionInputSchema,
  agentTypingInputSchema,
  presenceSchema,
  typingOutputSchema,
} from "../../chat/handoff/handoff.schema";
import { followInboxEvents } from "../../admin/inbox/follow-inbox";
import { messageSchema } from "../../chat/messages/message.schema";
import { sessionSchema } from "../../chat/sessions/session.schema";
import { claim, close, heartbeat, leave, release, reply, typing } from "../../admin/inbox/inbox.service";

/** Actions of an agent on one conversation (claim, reply, release, close): REST under /api/admin/sessions/{id}/. */
function agentAction(
  name: "claim" | "messages" | "release" | "close",
  summary: string,
  description: string,
  errors: (
    "SESSION_NOT_FOUND" | "SESSION_CLOSED" | "SESSION_CLAIMED_BY_ANOTHER_AGENT" | "SESSION_NOT_CLAIMED"
  )[],
  successMessage: string,
) {
  return adminProcedure.meta({
    openapi: {
      method: "POST",
      path: `/admin/sessions/{id}/${name}`,
      tags: ["Admin inbox"],
      protect: true,
      summary,
      description,
    },
    errors,
    rest: {
      successMessage,
      ...(name === "messages" ? { successStatus: 201 as const } : { bodyOptional: true }),
    },
  });
}

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
          "Visitors, sessions, messages and failed replies, new sessions and messages per day (30 days), and LLM " +
          "tokens per day with a cost estimate and today's use against LLM_DAILY_TOKEN_BUDGET.",
      },
      rest: { successMessage: "Dashboard." },
    })
    .input(z.strictObject({}).optional())
    .output(dashboardSchema)
    .query(({ ctx }) => getDashboard(ctx.deps, new Date(), ctx.deps.config.admin.llmCost)),

  gaps: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/gaps",
        tags: ["Admin"],
        protect: true,
        summary: "Knowledge gaps (admin)",
        description:
          "Visitor questions of the last `days` days that got no confident answer from the help articles or a " +
          "thumbs-down, grouped by similar wording, most frequent first, with counts, last seen, and example " +
          "questions with their sessions (transcripts).",
      },
      rest: { successMessage: "Knowledge gaps." },
    })
    .input(listGapsInputSchema)
    .output(gapListSchema)
    .query(({ ctx, input }) => listGaps(ctx.deps, input)),

  visitors: createTRPCRouter({
    list: visitors.list,
    get: visitors.get,

    export: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/visitors/{id}/export",
          tags: ["Admin"],
          protect: true,
          summary: "Export everything of a visitor (admin)",
          description:
            "The visitor and all its data — every session and every message — as one JSON document (a data " +
            "subject's access request). Recorded in the audit log.",
        },
        errors: ["VISITOR_NOT_FOUND"],
        rest: { successMessage: "Visitor exported." },
      })
      .input(getVisitorInputSchema)
      .output(visitorExportSchema)
      .query(({ ctx, input }) => exportVisitor(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

    delete: adminProcedure
      .meta({
        openapi: {
          method: "DELETE",
          path: "/admin/visitors/{id}",
          tags: ["Admin"],
          protect: true,
          summary: "Delete a visitor and everything of it (admin)",
          description:
            "Erases the visitor, its sessions and their messages in one transaction (a data subject's erasure " +
            "request). Afterwards the visitor and its sessions are 404 everywhere. Recorded in the audit log.",
        },
        errors: ["VISITOR_NOT_FOUND"],
        rest: { successMessage: "Visitor deleted." },
      })
      .input(getVisitorInputSchema)
      .output(visitorErasedSchema)
      .mutation(async ({ ctx, input }) => {
        const by = auditByOf(ctx.principal, ctx.ip);
        const erasure = await eraseVisitor(ctx.deps, input.id, { ...by, action: "visitor.deleted" });
        return toVisitorErasedDto(erasure);
      }),
  }),

  /** The help articles (src/server/api/routers/admin-knowledge.ts). */
  knowledge: adminKnowledgeRouter,

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

    claim: agentAction(
      "claim",
      "Claim a conversation (admin)",
      "The agent takes the conversation (mode agent): the assistant stays silent and the visitor sees the agent's " +
        "name. Works on waiting and bot conversations; claiming one you hold changes nothing; one held by " +
        "another agent → 409; a closed one → 409.",
      ["SESSION_NOT_FOUND", "SESSION_CLOSED", "SESSION_CLAIMED_BY_ANOTHER_AGENT"],
      "Conversation claimed.",
    )
      .input(agentSessionInputSchema)
      .output(sessionSchema)
      .mutation(({ ctx, input }) => claim(ctx.deps, input, ctx.principal, auditByOf(ctx.principal, ctx.ip))),

    message: agentAction(
      "messages",
      "Reply as an agent (admin)",
      "Stores the agent's message (role agent, author_name) and delivers it live to the visitor. Only in a " +
        "conversation this agent claimed.",
      ["SESSION_NOT_FOUND", "SESSION_CLOSED", "SESSION_CLAIMED_BY_ANOTHER_AGENT", "SESSION_NOT_CLAIMED"],
      "Message sent.",
    )
      .input(agentMessageInputSchema)
      .output(messageSchema)
      .mutation(({ ctx, input }) => reply(ctx.deps, input, ctx.principal, auditByOf(ctx.principal, ctx.ip))),

    release: agentAction(
      "release",
      "Hand a conversation back to the bot (admin)",
      "Back to mode bot: the assistant answers the visitor's next message.",
      ["SESSION_NOT_FOUND", "SESSION_CLOSED"],
      "Conversation handed back to the bot.",
    )
      .input(agentSessionInputSchema)
      .output(sessionSchema)
      .mutation(({ ctx, input }) => release(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

    close: agentAction(
      "close",
      "Close a conversation (admin)",
      "Mode closed. The visitor's next message reopens it with the bot.",
      ["SESSION_NOT_FOUND"],
      "Conversation closed.",
    )
      .input(agentSessionInputSchema)
      .output(sessionSchema)
      .mutation(({ ctx, input }) => close(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

    typing: adminProcedure
      .meta({
        openapi: {
          method: "POST",
          path: "/admin/sessions/{id}/typing",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Agent typing signal (admin)",
          description:
            "A `typing` event {role: agent, active} to the visitor, live only. Only in a claimed conversation.",
        },
        errors: [
          "SESSION_NOT_FOUND",
          "SESSION_CLOSED",
          "SESSION_CLAIMED_BY_ANOTHER_AGENT",
          "SESSION_NOT_CLAIMED",
        ],
        rest: { successMessage: "Typing signal sent." },
      })
      .input(agentTypingInputSchema)
      .output(typingOutputSchema)
      .mutation(({ ctx, input }) => typing(ctx.deps, input, ctx.principal)),
  }),

  /** The live inbox (/admin/inbox): presence and every conversation's events. */
  inbox: createTRPCRouter({
    /** An open inbox page, every 15 s: the agent is online; answers the counts for the badge. */
    heartbeat: adminProcedure
      .meta({
        openapi: {
          method: "POST",
          path: "/admin/presence",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Agent heartbeat (admin)",
          description:
            "Marks this agent (the signed-in admin, or the API key) online for 45 s: visitors who ask for a person " +
            "then wait for one instead of being told nobody is available. The inbox page sends it every 15 s; an " +
            "integration answering from elsewhere does the same. Answers the agents online and the waiting count.",
        },
        rest: { successMessage: "Presence recorded." },
      })
      .input(z.strictObject({}).optional())
      .output(presenceSchema)
      .mutation(({ ctx }) => heartbeat(ctx.deps, ctx.principal)),
    /** The inbox page was closed: the agent is no longer online. */
    leave: adminProcedure
      .input(z.strictObject({}).optional())
      .output(z.object({ ok: z.literal(true) }))
      .mutation(({ ctx }) => leave(ctx.deps, ctx.principal)),
    /**
     * Every conversation's events, live (tracked ids: `<session id>:<seq>`; no replay, the page reloads its lists),
     * until the caller's access ends (its key revoked, its user disabled: src/server/admin/auth/revocation.ts).
     */
    events: adminProcedure.subscription(async function* ({ ctx, signal }) {
      const events = followInboxEvents(
        ctx.deps,
        ctx.principal,
        ctx.headers,
        signal ?? new AbortController().signal,
      );
      for await (const event of events) {
        yield tracked(`${event.session_id}:${event.seq}`, event);
      }
    }),
  }),

  /** Key management is for signed-in admins only, over tRPC from /admin/api-keys (not on the REST API). */
  apiKeys: createTRPCRouter({
    list: adminSessionProcedure.output(apiKeyListSchema).query(({ ctx }) => listApiKeys(ctx.deps)),
    create: adminSessionProcedure
      .input(createApiKeyInputSchema)
      .output(createdApiKeySchema)
      .mutation(({ ctx, input }) =>
        createApiKey(ctx.deps, input, ctx.principal.userId, auditByOf(ctx.principal, ctx.ip)),
      ),
    revoke: adminSessionProcedure
      .meta({ errors: ["API_KEY_NOT_FOUND"] })
      .input(revokeApiKeyInputSchema)
      .output(apiKeySchema)
      .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),
  }),

  /** The audit log: read-only, for signed-in admins and API keys (no procedure updates or deletes an entry). */
  audit: createTRPCRouter({
    list: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/audit",
          tags: ["Admin"],
          protect: true,
          summary: "List the audit log (admin)",
          description:
            "What admins and API keys did (sign-ins, exports, deletes, API keys created or revoked …), newest " +
            "first, one page at a time: pass `next_cursor` as `cursor` for the next page. Filter by `action`, " +
            "`actor` (email, key name or id) and day (`from`, `to`, UTC, inclusive). Entries cannot be changed.",
        },
        errors: ["INVALID_DATE_RANGE", "INVALID_CURSOR"],
        rest: { successMessage: "Audit log listed." },
      })
      .input(listAuditInputSchema)
      .output(auditPageSchema)
      .query(({ ctx, input }) => listAudit(ctx.deps, input)),
  }),

  /** The widget's look and behaviour (/admin/settings), applied on every instance within seconds. */
  settings: createTRPCRouter({
    get: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/settings",
          tags: ["Admin"],
          protect: true,
          summary: "Get the widget settings (admin)",
          description:
            "Title, subtitle, greeting, accent, launcher, suggested prompts, assistant name and avatar, websites " +
            "allowed to embed the widget, and office hours; defaults filled in for settings never saved.",
        },
        rest: { successMessage: "Widget settings." },
      })
      .input(z.strictObject({}).optional())
      .output(widgetSettingsSchema)
      .query(({ ctx }) => getWidgetSettings(ctx.deps, ctx.deps.config.admin.widgetAllowedOrigins)),
    update: adminProcedure
      .meta({
        openapi: {
          method: "PUT",
          path: "/admin/settings",
          tags: ["Admin"],
          protect: true,
          summary: "Replace the widget settings (admin)",
          description:
            "Replaces every setting: a field left out or null goes back to its default. Every instance applies " +
            "the change within about 3 seconds, without a restart; embed.js data-attributes still override per page.",
        },
        rest: { successMessage: "Widget settings saved." },
      })
      .input(updateWidgetSettingsInputSchema)
      .output(widgetSettingsSchema)
      .mutation(({ ctx, input }) =>
        updateWidgetSettings(
          ctx.deps,
          input,
          describeActor(ctx.principal),
          ctx.deps.config.admin.widgetAllowedOrigins,
          auditByOf(ctx.principal, ctx.ip),
        ),
      ),
  }),

  /** Signed webhooks: endpoints and deliveries (routers/admin-webhooks.ts). */
  webhooks: adminWebhooksRouter,
});
