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
import { reportInputSchema, reportSchema } from "../../admin/reports/reports.schema";
import { getReport } from "../../admin/reports/reports.service";
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
import {
  colleagueListSchema,
  createdUserSchema,
  createUserInputSchema,
  teamUserSchema,
  updateUserInputSchema,
  userListSchema,
} from "../../admin/users/users.schema";
import { createUser, listColleagues, listUsers, updateUser } from "../../admin/users/users.service";
import type { ChatDeps } from "../../chat/deps";
import { clientProto } from "../../protection/client-address";
import {
  cannedResponseIdInputSchema,
  cannedResponseListSchema,
  cannedResponseSchema,
  createCannedResponseInputSchema,
  updateCannedResponseInputSchema,
} from "../../admin/canned-responses/canned-responses.schema";
import {
  createCannedResponse,
  deleteCannedResponse,
  listCannedResponses,
  updateCannedResponse,
} from "../../admin/canned-responses/canned-responses.service";
import {
  addSessionNoteInputSchema,
  sessionNoteListSchema,
  sessionNoteSchema,
  sessionNotesInputSchema,
} from "../../admin/notes/notes.schema";
import { addSessionNote, listSessionNotes } from "../../admin/notes/notes.service";
import {
  labelUsageListSchema,
  sessionLabelsSchema,
  setSessionLabelsInputSchema,
} from "../../admin/labels/labels.schema";
import { listLabels, setSessionLabels } from "../../admin/labels/labels.service";
import { adminProcedure, adminSessionProcedure, createTRPCRouter, type TRPCContext } from "../trpc";
import { adminKnowledgeRouter } from "./admin-knowledge";
import { adminWebhooksRouter } from "./admin-webhooks";
import { z } from "zod";
import { tracked } from "@trpc/server";
import {
  agentMessageInputSchema,
  agentSessionInputSchema,
  agentTypingInputSchema,
  assignSessionInputSchema,
  presenceSchema,
  typingOutputSchema,
} from "../../chat/handoff/handoff.schema";
import { followInboxEvents } from "../../admin/inbox/follow-inbox";
import { messageSchema } from "../../chat/messages/message.schema";
import { sessionSchema } from "../../chat/sessions/session.schema";
import {
  agentOf,
  assign,
  claim,
  close,
  heartbeat,
  leave,
  release,
  reply,
  typing,
} from "../../admin/inbox/inbox.service";
import {
  emailStatus,
  emailStatusSchema,
  setEmailAlertsInputSchema,
  setMyEmailAlerts,
} from "../../admin/email/email-admin.service";

/** This site's address, for links made for people (an invitation): BETTER_AUTH_URL, else the request's host. */
function siteOrigin(ctx: Pick<TRPCContext, "headers"> & { deps: ChatDeps }): string {
  return (
    ctx.deps.config.admin.publicUrl ??
    `${clientProto(ctx.headers)}://${ctx.headers.get("host") ?? "localhost"}`
  );
}

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
    access: "agent",
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
        access: "agent",
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
        access: "agent",
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
      access: "agent",
      rest: { successMessage: "Dashboard." },
    })
    .input(z.strictObject({}).optional())
    .output(dashboardSchema)
    .query(({ ctx }) => getDashboard(ctx.deps, new Date(), ctx.deps.config.admin.llmCost)),

  reports: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/reports",
        tags: ["Admin"],
        protect: true,
        summary: "Team reports (admin, agent)",
        description:
          "Figures about the conversations started from `from` to `to` (days in `tz`, inclusive; default the last " +
          "7 days; at most 366 days), per day or per agent, with totals: conversations, handoff requests, time " +
          "to the first agent reply after a request and to the close (p50, p90), the visitors' ratings (CSAT) and " +
          "the share the assistant resolved alone. Definitions: docs/admin.md (Reports). The same as CSV: " +
          "GET /api/admin/reports/csv/.",
      },
      access: "agent",
      rest: { successMessage: "Report." },
    })
    .input(reportInputSchema)
    .output(reportSchema)
    .query(({ ctx, input }) => getReport(ctx.deps, input)),

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
      access: "agent",
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
        access: "agent",
        rest: { successMessage: "Sessions listed." },
      })
      .input(listAdminSessionsInputSchema)
      .output(adminSessionPageSchema)
      .query(({ ctx, input }) => listAdminSessions(ctx.deps, input, agentOf(ctx.principal).id)),

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
        access: "agent",
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

    assign: adminProcedure
      .meta({
        openapi: {
          method: "POST",
          path: "/admin/sessions/{id}/assign",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Pass a conversation to a team member (admin, agent)",
          description:
            "The conversation goes to `user_id` (mode agent, with their name), whoever held it: an admin to anyone, " +
            "an agent to themself or a colleague. Every open inbox hears it at once (`session.updated` on " +
            "`GET /api/admin/events/`). A closed conversation → 409; an unknown or disabled user → 404. Audited.",
        },
        errors: ["SESSION_NOT_FOUND", "SESSION_CLOSED", "USER_NOT_FOUND"],
        access: "agent",
        rest: { successMessage: "Conversation assigned." },
      })
      .input(assignSessionInputSchema)
      .output(sessionSchema)
      .mutation(({ ctx, input }) => assign(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

    notes: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/sessions/{id}/notes",
          tags: ["Admin inbox"],
          protect: true,
          summary: "List a conversation's private notes (admin, agent)",
          description:
            "The team's notes on the conversation, oldest first. Notes are never shown to the visitor: no " +
            "visitor-facing route, event stream, email or webhook carries them.",
        },
        errors: ["SESSION_NOT_FOUND"],
        access: "agent",
        rest: { successMessage: "Notes listed." },
      })
      .input(sessionNotesInputSchema)
      .output(sessionNoteListSchema)
      .query(({ ctx, input }) => listSessionNotes(ctx.deps, input.id)),

    addNote: adminProcedure
      .meta({
        openapi: {
          method: "POST",
          path: "/admin/sessions/{id}/notes",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Add a private note to a conversation (admin, agent)",
          description:
            "`content` (1–4000 characters), stored with its author. Only the team sees it (the inbox, the admin " +
            "transcript, the admin's visitor export); it is erased with the visitor. Audited (`note.added`).",
        },
        errors: ["SESSION_NOT_FOUND"],
        access: "agent",
        rest: { successStatus: 201, successMessage: "Note added." },
      })
      .input(addSessionNoteInputSchema)
      .output(sessionNoteSchema)
      .mutation(({ ctx, input }) =>
        addSessionNote(ctx.deps, input, agentOf(ctx.principal), auditByOf(ctx.principal, ctx.ip)),
      ),

    setLabels: adminProcedure
      .meta({
        openapi: {
          method: "PUT",
          path: "/admin/sessions/{id}/labels",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Set a conversation's labels (admin, agent)",
          description:
            "`labels` replaces the conversation's labels (each trimmed, 1–40 characters, at most 20, duplicates " +
            "kept once; `[]` removes them). Find them with `GET /api/admin/sessions/?label=…`. The team's only. " +
            "Audited (`session.labels_changed`).",
        },
        errors: ["SESSION_NOT_FOUND"],
        access: "agent",
        rest: { successMessage: "Labels set." },
      })
      .input(setSessionLabelsInputSchema)
      .output(sessionLabelsSchema)
      .mutation(({ ctx, input }) => setSessionLabels(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

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
        access: "agent",
        rest: { successMessage: "Typing signal sent." },
      })
      .input(agentTypingInputSchema)
      .output(typingOutputSchema)
      .mutation(({ ctx, input }) => typing(ctx.deps, input, ctx.principal)),
  }),

  /** Email (docs/email.md): whether it is on, and the signed-in admin's alert emails. */
  email: createTRPCRouter({
    status: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/email",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Email status (admin, agent)",
          description:
            "Whether email is on (SMTP_URL and MAIL_FROM), whether replies by email come back (INBOUND_EMAIL_DOMAIN " +
            "and INBOUND_EMAIL_SECRET), the delays, and the signed-in admin's alert emails (null for an API key).",
        },
        // Agents too: the inbox and /admin/profile show it to everyone who gets alert emails.
        access: "agent",
        rest: { successMessage: "Email status." },
      })
      .input(z.strictObject({}).optional())
      .output(emailStatusSchema)
      .query(({ ctx }) => emailStatus(ctx.deps, ctx.principal)),
    setAlerts: adminProcedure
      .meta({
        openapi: {
          method: "POST",
          path: "/admin/email/alerts",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Turn my alert emails on or off (admin, agent)",
          description:
            "Alert emails (a visitor waits unclaimed AGENT_ALERT_AFTER_SECONDS, or asked while nobody was online) and " +
            "the daily digest of the follow-up queue go to every admin user (admins and agents); each turns theirs off " +
            "here or on /admin/profile. Signed-in users only (an API key has no address → 403). Recorded in the audit log.",
        },
        errors: ["EMAIL_ALERTS_NEED_SIGN_IN"],
        // Every signed-in user (agents get alert emails too) turns their own off on /admin/profile.
        access: "agent",
        rest: { successMessage: "Alert emails changed." },
      })
      .input(setEmailAlertsInputSchema)
      .output(emailStatusSchema)
      .mutation(({ ctx, input }) =>
        setMyEmailAlerts(ctx.deps, ctx.principal, input.email_alerts, auditByOf(ctx.principal, ctx.ip)),
      ),
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
        access: "agent",
        rest: { successMessage: "Presence recorded." },
      })
      .input(z.strictObject({}).optional())
      .output(presenceSchema)
      .mutation(({ ctx }) => heartbeat(ctx.deps, ctx.principal)),
    /** The team members a conversation can be passed to (the Assign menu; agents may read it). */
    colleagues: adminProcedure
      .meta({ access: "agent" })
      .input(z.strictObject({}).optional())
      .output(colleagueListSchema)
      .query(({ ctx }) => listColleagues(ctx.deps)),
    /** The inbox page was closed: the agent is no longer online. */
    leave: adminProcedure
      .meta({ access: "agent" })
      .input(z.strictObject({}).optional())
      .output(z.object({ ok: z.literal(true) }))
      .mutation(({ ctx }) => leave(ctx.deps, ctx.principal)),
    /**
     * Every conversation's events, live (tracked ids: `<session id>:<seq>`; no replay, the page reloads its lists),
     * until the caller's access ends (its key revoked, its user disabled: src/server/admin/auth/revocation.ts).
     */
    events: adminProcedure.meta({ access: "agent" }).subscription(({ ctx, signal }) => {
      // Subscribed now, before tRPC tells the client the stream is open (its lists reload then): not on first read.
      const events = followInboxEvents(
        ctx.deps,
        ctx.principal,
        ctx.headers,
        signal ?? new AbortController().signal,
      );
      return (async function* () {
        for await (const event of events) {
          yield tracked(`${event.session_id}:${event.seq}`, event);
        }
      })();
    }),
  }),

  /** Key management is for signed-in admins only, over tRPC from /admin/api-keys (not on the REST API). */
  apiKeys: createTRPCRouter({
    list: adminSessionProcedure.output(apiKeyListSchema).query(({ ctx }) => listApiKeys(ctx.deps)),
    create: adminSessionProcedure
      .meta({
        openapi: {
          method: "POST",
          path: "/admin/api-keys",
          tags: ["Admin"],
          protect: true,
          summary: "Create an API key (admin, signed in)",
          description:
            "A new key with its `scopes` (`admin`, `agent` or `read`; default admin) and, optionally, the " +
            "`agent_name` it acts as in the inbox. `data.key` is shown only in this answer (it is stored hashed). " +
            "Only a signed-in admin (the session cookie, from this site's pages) creates keys: a bearer key cannot.",
        },
        errors: ["API_KEYS_NEED_SIGN_IN"],
        rest: { successStatus: 201, successMessage: "API key created." },
      })
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

  /** The labels in use on conversations, with their counts (the inbox's label picker). */
  labels: createTRPCRouter({
    list: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/labels",
          tags: ["Admin inbox"],
          protect: true,
          summary: "List the labels in use (admin, agent)",
          description: "Every label on some conversation, with how many carry it; the most used first.",
        },
        access: "agent",
        rest: { successMessage: "Labels listed." },
      })
      .input(z.strictObject({}).optional())
      .output(labelUsageListSchema)
      .query(({ ctx }) => listLabels(ctx.deps)),
  }),

  /** The team's saved replies (the inbox composer's `/` menu): agents manage them too. */
  cannedResponses: createTRPCRouter({
    list: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/canned-responses",
          tags: ["Admin inbox"],
          protect: true,
          summary: "List saved replies (admin, agent)",
          description: "The team's saved replies, by shortcut.",
        },
        access: "agent",
        rest: { successMessage: "Saved replies listed." },
      })
      .input(z.strictObject({}).optional())
      .output(cannedResponseListSchema)
      .query(({ ctx }) => listCannedResponses(ctx.deps)),
    create: adminProcedure
      .meta({
        openapi: {
          method: "POST",
          path: "/admin/canned-responses",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Create a saved reply (admin, agent)",
          description:
            "`shortcut` (what agents type after `/` in the inbox) and `content`, in which `{{visitor.name}}` and " +
            "`{{agent.name}}` are filled in when it is used. A shortcut in use → 409. Audited.",
        },
        errors: ["CANNED_SHORTCUT_TAKEN"],
        access: "agent",
        rest: { successStatus: 201, successMessage: "Saved reply created." },
      })
      .input(createCannedResponseInputSchema)
      .output(cannedResponseSchema)
      .mutation(({ ctx, input }) => createCannedResponse(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),
    update: adminProcedure
      .meta({
        openapi: {
          method: "PATCH",
          path: "/admin/canned-responses/{id}",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Change a saved reply (admin, agent)",
          description: "A new `shortcut` and/or `content`. Audited.",
        },
        errors: ["CANNED_RESPONSE_NOT_FOUND", "CANNED_SHORTCUT_TAKEN"],
        access: "agent",
        rest: { successMessage: "Saved reply changed." },
      })
      .input(updateCannedResponseInputSchema)
      .output(cannedResponseSchema)
      .mutation(({ ctx, input }) => updateCannedResponse(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),
    delete: adminProcedure
      .meta({
        openapi: {
          method: "DELETE",
          path: "/admin/canned-responses/{id}",
          tags: ["Admin inbox"],
          protect: true,
          summary: "Delete a saved reply (admin, agent)",
          description: "Answers the deleted reply. Audited.",
        },
        errors: ["CANNED_RESPONSE_NOT_FOUND"],
        access: "agent",
        rest: { successMessage: "Saved reply deleted." },
      })
      .input(cannedResponseIdInputSchema)
      .output(cannedResponseSchema)
      .mutation(({ ctx, input }) =>
        deleteCannedResponse(ctx.deps, input.id, auditByOf(ctx.principal, ctx.ip)),
      ),
  }),

  /** The team (/admin/team): invite users with a role, change roles, disable and enable them. Admins only. */
  users: createTRPCRouter({
    list: adminProcedure
      .meta({
        openapi: {
          method: "GET",
          path: "/admin/users",
          tags: ["Admin team"],
          protect: true,
          summary: "List the team (admin)",
          description:
            "Every user, admins and agents, oldest first, with their role and whether they are disabled.",
        },
        rest: { successMessage: "Team listed." },
      })
      .input(z.strictObject({}).optional())
      .output(userListSchema)
      .query(({ ctx }) => listUsers(ctx.deps)),
    create: adminProcedure
      .meta({
        openapi: {
          method: "POST",
          path: "/admin/users",
          tags: ["Admin team"],
          protect: true,
          summary: "Invite a team member (admin)",
          description:
            "Creates the user with a role (`admin` or `agent`) and answers `invite_url`: a single-use link, valid " +
            "7 days, where they set their password. Send it to them; it is shown only in this answer. Audited.",
        },
        errors: ["USER_EMAIL_TAKEN"],
        rest: { successStatus: 201, successMessage: "User invited." },
      })
      .input(createUserInputSchema)
      .output(createdUserSchema)
      .mutation(({ ctx, input }) =>
        createUser(ctx.deps, input, siteOrigin(ctx), auditByOf(ctx.principal, ctx.ip)),
      ),
    update: adminProcedure
      .meta({
        openapi: {
          method: "PATCH",
          path: "/admin/users/{id}",
          tags: ["Admin team"],
          protect: true,
          summary: "Change a team member's role, or disable them (admin)",
          description:
            "`role` changes what they may do from their next call on. `disabled: true` ends their sessions at once " +
            "(their cookie stops working on every instance) and refuses their sign-ins; `false` lets them in again. " +
            "The last active admin cannot be demoted or disabled (409). Audited.",
        },
        errors: ["USER_NOT_FOUND", "LAST_ADMIN"],
        rest: { successMessage: "User updated." },
      })
      .input(updateUserInputSchema)
      .output(teamUserSchema)
      .mutation(({ ctx, input }) => updateUser(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),
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
