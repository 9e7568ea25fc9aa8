import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";

/**
 * Every action the audit log records, with what it records (docs/operations.md lists them; a test compares). An
 * entry is written by `commitChange` in the transaction of the change it records (`audit` of the change), so a
 * change is audited if and only if it is stored.
 */
export const AUDIT_ACTIONS = {
  "sign_in.succeeded": "an admin signed in",
  "sign_in.failed": "a sign-in was refused (wrong password, unknown account, throttled)",
  "visitor.exported": "a visitor's data was exported",
  "visitor.deleted": "a visitor was erased by an admin",
  "sessions.exported": "sessions were exported (CSV or JSON)",
  "transcript.exported": "a transcript was exported",
  "api_key.created": "an API key was created",
  "api_key.revoked": "an API key was revoked",
  "settings.changed": "the widget settings were changed",
  "canned_response.created": "a saved reply was created",
  "canned_response.updated": "a saved reply was changed (shortcut, text)",
  "canned_response.deleted": "a saved reply was deleted",
  "user.invited": "a team member was invited (with a role)",
  "user.invite_accepted": "an invited team member set their password",
  "user.role_changed": "a team member's role was changed",
  "user.capacity_changed": "a team member's auto-assignment capacity was changed",
  "user.disabled": "a team member was disabled (their sessions ended)",
  "user.enabled": "a disabled team member was enabled again",
  "session.claimed": "an agent claimed a conversation",
  "session.assigned": "a conversation was passed to an agent (by an admin or a colleague)",
  "session.released": "an agent released a conversation",
  "session.closed": "an agent closed a conversation",
  "agent_message.sent": "an agent wrote to a visitor",
  "note.added": "an agent added a private note to a conversation (the team's only)",
  "session.labels_changed": "a conversation's labels were changed",
  "webhook.created": "a webhook endpoint was registered",
  "webhook.updated": "a webhook endpoint was changed (url, events, enabled)",
  "webhook.deleted": "a webhook endpoint was deleted",
  "webhook.resent": "a webhook delivery was sent again",
  "knowledge.created": "a knowledge article was created",
  "knowledge.updated": "a knowledge article was changed (text, title, published)",
  "knowledge.deleted": "a knowledge article was deleted",
  "knowledge.imported": "articles were imported (from a URL, a sitemap or an uploaded file)",
  "knowledge.suite_created": "an answer-test suite was saved",
  "knowledge.suite_updated": "an answer-test suite was changed (name, questions)",
  "knowledge.suite_deleted": "an answer-test suite was deleted, with its runs",
  "email_alerts.changed": "an admin turned their alert emails on or off",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];

export const AUDIT_ACTOR_KINDS = ["admin_user", "api_key"] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/** Who did it: an admin user (signed in, or trying to) or an API key (a managed key or the bootstrap key). */
export interface AuditActor {
  kind: AuditActorKind;
  /** The user's or key's id; null when there is none (the bootstrap key, a sign-in to an unknown account). */
  id: string | null;
  /** The admin's email or the key's name. */
  name: string;
}

/** Who does a change and from where: what an admin action hands its service, for its audit entry. */
export interface AuditBy {
  actor: AuditActor;
  /** The client's address: clientIp(headers) from src/server/protection/client-address.ts. */
  clientAddress?: string;
}

/** Facts about an action: counts, filters, formats. Never personal content (messages, metadata, visitor names). */
export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditRecord extends AuditBy {
  action: AuditAction;
  object?: { type: string; id: string };
  detail?: AuditDetail;
}

/** The audit entry's insert, for commitChange (in the change's transaction). Entries are only ever inserted. */
export function auditEntryWrite(
  db: Pick<Db, "auditEntry"> | Pick<Prisma.TransactionClient, "auditEntry">,
  record: AuditRecord,
): Prisma.PrismaPromise<unknown> {
  return db.auditEntry.create({
    data: {
      actor_kind: record.actor.kind,
      actor_id: record.actor.id,
      actor_name: record.actor.name.slice(0, 320),
      action: record.action,
      object_type: record.object?.type ?? null,
      object_id: record.object?.id ?? null,
      detail: (record.detail ?? {}) as Prisma.InputJsonObject,
      client_address: record.clientAddress?.slice(0, 100) ?? null,
    },
    select: { id: true },
  });
}
