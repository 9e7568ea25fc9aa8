import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../../chat/deps";
import { decodeCursor, keysetWhere, toPage } from "../../chat/pagination";
import { createdAtRange } from "../sessions/session-admin.service";
import type { AuditActorKind } from "../../chat/audit/audit-record";
import type { AuditEntryDto, ListAuditInput } from "./audit.schema";

/*
 * The audit log is only read here. Entries are written by the service that makes a change, in the change's
 * transaction (`audit` of commitChange / commitInTransaction, src/server/chat/events/commit-change.ts), and by
 * sign-in (src/server/admin/auth/auth.ts). Nothing in the app updates or deletes an entry.
 */

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
