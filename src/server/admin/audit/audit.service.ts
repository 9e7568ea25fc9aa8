import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";
import type { ChatDeps } from "../../chat/deps";
import { decodeCursor, keysetWhere, toPage } from "../../chat/pagination";
import type { AdminPrincipal } from "../auth/admin-access";
import { createdAtRange } from "../sessions/session-admin.service";
import type {
  AuditAction,
  AuditActor,
  AuditActorKind,
  AuditDetail,
  AuditEntryDto,
  ListAuditInput,
} from "./audit.schema";

/** The name the bootstrap ADMIN_API_KEY is recorded under. */
export const BOOTSTRAP_KEY_NAME = "ADMIN_API_KEY";

export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  object?: { type: string; id: string };
  detail?: AuditDetail;
  /** The client's address: clientIp(headers) from src/server/protection/client-address.ts. */
  clientAddress?: string;
}

/** The actor of an admin call (adminProcedure's `ctx.principal`, or requireAdmin's answer). */
export function auditActorOf(principal: AdminPrincipal): AuditActor {
  if (principal.kind === "session")
    return { kind: "admin_user", id: principal.userId, name: principal.email };
  if (principal.kind === "api_key") return { kind: "api_key", id: principal.apiKeyId, name: principal.name };
  return { kind: "api_key", id: null, name: BOOTSTRAP_KEY_NAME };
}

/**
 * THE audit verb: appends one entry to the audit log. Pass a transaction client as `db` to record the action
 * atomically with the change. Entries are only ever inserted: nothing in the app updates or deletes them.
 */
export async function recordAudit(
  deps: { db: Db | Prisma.TransactionClient },
  record: AuditRecord,
): Promise<void> {
  await deps.db.auditEntry.create({
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
  });
}

type AuditRow = Prisma.AuditEntryGetPayload<object>;

function toAuditEntryDto(row: AuditRow): AuditEntryDto {
  return {
    id: row.id,
    created_at: row.created_at.toISOString(),
    actor_kind: row.actor_kind as AuditActorKind,
    actor_id: row.actor_id,
    actor_name: row.actor_name,
    action: row.action,
    object_type: row.object_type,
    object_id: row.object_id,
    detail: row.detail as AuditEntryDto["detail"],
    client_address: row.client_address,
  };
}

/** The audit log, newest first, filtered by action, actor and day (UTC, inclusive), one page at a time. */
export async function listAudit(
  deps: ChatDeps,
  input: ListAuditInput,
): Promise<{ items: AuditEntryDto[]; next_cursor: string | null }> {
  const after = decodeCursor(input.cursor);
  const created_at = createdAtRange(input);
  const rows = await deps.db.auditEntry.findMany({
    where: {
      ...(input.action && { action: input.action }),
      ...(input.actor && { OR: [{ actor_name: input.actor }, { actor_id: input.actor }] }),
      ...(created_at && { created_at }),
      ...keysetWhere<Prisma.AuditEntryWhereInput>("created_at", after, "desc"),
    },
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  return toPage(rows, input.limit, (row) => row.created_at, toAuditEntryDto);
}
