import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../ids";
import { forgetWebhookEventsOf } from "../webhooks/webhook-events";
import { commitInTransaction } from "../events/commit-change";
import type { AuditRecord } from "../audit/audit-record";
import type { EraseOwnVisitorInput, VisitorErasedDto } from "./visitor.schema";
import { logError } from "../../observability/logger";

/** What one erasure removed: the visitor, the ids of its sessions, and how many rows of each kind. */
export interface VisitorErasure {
  visitor_id: string;
  session_ids: string[];
  counts: { visitors: number; sessions: number; messages: number };
}

/** The database inside the erasure's transaction. */
export type ErasureTransaction = Prisma.TransactionClient;

/**
 * A hook into every erasure (admin delete, visitor self-erasure, retention of a whole visitor):
 * - `inTransaction` runs inside the erasure's transaction, after the rows are deleted and before the commit (write
 *   an outbox row, e.g. the webhook `visitor.deleted`); throwing rolls the erasure back;
 * - `afterCommit` runs once the erasure is committed (close the visitor's live event streams, drop caches); its
 *   errors are logged, never undo the erasure.
 */
export interface VisitorErasureHook {
  inTransaction?: (tx: ErasureTransaction, erasure: VisitorErasure) => Promise<void>;
  afterCommit?: (erasure: VisitorErasure) => void | Promise<void>;
}

/** A visitor with a long history takes a while to delete on a busy server: more than Prisma's 5 s default. */
const ERASURE_TRANSACTION = { maxWait: 10_000, timeout: 60_000 };

/** On globalThis: Next.js bundles each route separately, and a hook registered once must be seen by all. */
const globalHooks = globalThis as typeof globalThis & { __visitorChatErasureHooks?: Set<VisitorErasureHook> };
const hooks: Set<VisitorErasureHook> = (globalHooks.__visitorChatErasureHooks ??= new Set());

/** Registers a hook run on every erasure; returns the function that unregisters it. */
export function onVisitorErased(hook: VisitorErasureHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/**
 * THE erase verb: deletes the visitor and everything of it (its messages, its sessions, the visitor row, and any
 * table a later feature hangs off them) in one transaction, so an erasure is all or nothing on both databases.
 * Afterwards every read of the visitor or its sessions is a 404. Unknown or malformed id → VISITOR_NOT_FOUND.
 *
 * A reply still being generated for one of its sessions stops at its next save (its row is gone, so the save
 * fails the run's fencing check and nothing is written back).
 */
export async function eraseVisitor(
  deps: Pick<ChatDeps, "db" | "events">,
  visitorId: string,
  audit?: Omit<AuditRecord, "object">,
): Promise<VisitorErasure> {
  if (!isUuid(visitorId)) throw new AppError("VISITOR_NOT_FOUND");
  const erasure = await commitInTransaction(
    deps,
    async (tx) => {
      const visitor = await tx.visitor.findUnique({ where: { id: visitorId }, select: { id: true } });
      if (!visitor) throw new AppError("VISITOR_NOT_FOUND");
      const sessions = await tx.session.findMany({ where: { visitor_id: visitorId }, select: { id: true } });
      const sessionIds = sessions.map((session) => session.id);
      // Children first and explicitly (not only by cascade), so the counts are exact on both databases.
      await tx.attachment.deleteMany({ where: { session_id: { in: sessionIds } } });
      const messages = await tx.message.deleteMany({ where: { session_id: { in: sessionIds } } });
      const deletedSessions = await tx.session.deleteMany({ where: { visitor_id: visitorId } });
      const visitors = await tx.visitor.deleteMany({ where: { id: visitorId } });
      const result: VisitorErasure = {
        visitor_id: visitorId,
        session_ids: sessionIds,
        counts: {
          visitors: Number(visitors.count),
          sessions: Number(deletedSessions.count),
          messages: Number(messages.count),
        },
      };
      // Earlier events of the visitor still in the outbox (its metadata, its messages) go with it; receivers are
      // told of the erasure in the same transaction: the id and counts, nothing personal.
      await forgetWebhookEventsOf(tx, [visitorId, ...sessionIds]);
      for (const hook of hooks) await hook.inTransaction?.(tx, result);
      return {
        result,
        events: [
          {
            type: "visitor.deleted",
            data: { id: visitorId, sessions: result.counts.sessions, messages: result.counts.messages },
          },
        ],
        audit: audit && {
          ...audit,
          object: { type: "visitor", id: visitorId },
          detail: { ...audit.detail, sessions: result.counts.sessions, messages: result.counts.messages },
        },
      };
    },
    ERASURE_TRANSACTION,
  );
  // The event streams of its sessions end, on every instance (their kept events are dropped).
  for (const sessionId of erasure.session_ids) {
    try {
      await deps.events.forget(sessionId);
    } catch (error) {
      logError("erase-visitor: could not end a session's event streams (the erasure stands)", error);
    }
  }
  for (const hook of hooks) {
    try {
      await hook.afterCommit?.(erasure);
    } catch (error) {
      logError("erase-visitor: an after-commit hook failed (the erasure stands)", error);
    }
  }
  return erasure;
}

/** The erasure as the API answers it. */
export function toVisitorErasedDto(erasure: VisitorErasure): VisitorErasedDto {
  return {
    id: erasure.visitor_id,
    deleted: true,
    sessions: erasure.counts.sessions,
    messages: erasure.counts.messages,
  };
}

/** "Delete my conversations": a visitor erases itself; visitor_id must be the path's id. */
export async function eraseOwnVisitor(
  deps: ChatDeps,
  input: EraseOwnVisitorInput,
): Promise<VisitorErasedDto> {
  if (input.visitor_id.toLowerCase() !== input.id.toLowerCase()) throw new AppError("VISITOR_ID_MISMATCH");
  return toVisitorErasedDto(await eraseVisitor(deps, input.id));
}
