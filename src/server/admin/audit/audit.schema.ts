import { z } from "zod";
import { plainText, wellFormedText } from "../../chat/limits";
import { pageInputSchema, pageOf } from "../../chat/pagination";
import { createdBetweenInputSchema } from "../sessions/session-admin.schema";
import { AUDIT_ACTION_NAMES, AUDIT_ACTOR_KINDS } from "../../chat/audit/audit-record";

// The actions and actors are the domain's (src/server/chat/audit/audit-record.ts): add an action there.
export { AUDIT_ACTION_NAMES, AUDIT_ACTIONS, AUDIT_ACTOR_KINDS } from "../../chat/audit/audit-record";
export type { AuditAction, AuditActor, AuditActorKind, AuditDetail } from "../../chat/audit/audit-record";

export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    created_at: z.iso.datetime(),
    actor_kind: z.enum(AUDIT_ACTOR_KINDS),
    actor_id: z.string().nullable(),
    actor_name: z.string(),
    action: z.string().meta({ description: `What was done: ${AUDIT_ACTION_NAMES.join(", ")}.` }),
    object_type: z.string().nullable(),
    object_id: z.string().nullable(),
    detail: z.record(z.string(), z.json()),
    client_address: z.string().nullable(),
  })
  .meta({ id: "AuditEntry" });
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;

export const listAuditInputSchema = pageInputSchema.extend(createdBetweenInputSchema.shape).extend({
  action: z.enum(AUDIT_ACTION_NAMES).optional().meta({ description: "Only entries of this action." }),
  actor: z
    .string()
    .trim()
    .min(1)
    .max(320)
    .check(plainText("actor"))
    .check(wellFormedText("actor"))
    .optional()
    .meta({ description: "Only entries of this actor: an admin's email, an API key's name, or their id." }),
});
export type ListAuditInput = z.infer<typeof listAuditInputSchema>;
export const auditPageSchema = pageOf(auditEntrySchema);
