import { z } from "zod";
import { hasNoNul, wellFormedText } from "../../chat/limits";
import { pageInputSchema, pageOf } from "../../chat/pagination";
import { createdBetweenInputSchema } from "../sessions/session-admin.schema";

/**
 * Every action the audit log records. Add yours here (one line) and call recordAudit where it happens, e.g.
 * "settings.changed", "session.claimed", "session.closed".
 */
export const AUDIT_ACTIONS = [
  "sign_in.succeeded",
  "sign_in.failed",
  "visitor.exported",
  "visitor.deleted",
  "sessions.exported",
  "transcript.exported",
  "api_key.created",
  "api_key.revoked",
  "settings.changed",
  "session.claimed",
  "session.released",
  "session.closed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

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

/** Facts about an action: counts, filters, formats. Never personal content (messages, metadata, visitor names). */
export type AuditDetail = Record<string, string | number | boolean | null>;

export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    created_at: z.iso.datetime(),
    actor_kind: z.enum(AUDIT_ACTOR_KINDS),
    actor_id: z.string().nullable(),
    actor_name: z.string(),
    action: z.string().meta({ description: `What was done: ${AUDIT_ACTIONS.join(", ")}.` }),
    object_type: z.string().nullable(),
    object_id: z.string().nullable(),
    detail: z.record(z.string(), z.json()),
    client_address: z.string().nullable(),
  })
  .meta({ id: "AuditEntry" });
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;

export const listAuditInputSchema = pageInputSchema.extend(createdBetweenInputSchema.shape).extend({
  action: z.enum(AUDIT_ACTIONS).optional().meta({ description: "Only entries of this action." }),
  actor: z
    .string()
    .trim()
    .min(1)
    .max(320)
    .refine(hasNoNul, "actor must not contain the NUL character (U+0000)")
    .check(wellFormedText("actor"))
    .optional()
    .meta({ description: "Only entries of this actor: an admin's email, an API key's name, or their id." }),
});
export type ListAuditInput = z.infer<typeof listAuditInputSchema>;
export const auditPageSchema = pageOf(auditEntrySchema);
