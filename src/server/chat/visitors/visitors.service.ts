import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";
import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../ids";
import { commitChange } from "../events/commit-change";
import { insertVisitor } from "../hot-sql";
import type {
  CreateVisitorInput,
  SetVisitorEmailInput,
  ValidateVisitorInput,
  VisitorDto,
} from "./visitor.schema";

type VisitorRow = Prisma.VisitorGetPayload<object>;

export function toVisitorDto(
  row: Pick<VisitorRow, "id" | "created_at" | "last_seen_at" | "metadata" | "user_id" | "email">,
): VisitorDto {
  return {
    id: row.id,
    created_at: row.created_at.toISOString(),
    last_seen_at: row.last_seen_at.toISOString(),
    metadata: row.metadata as VisitorDto["metadata"],
    user_id: row.user_id,
    email: row.email,
    verified: row.user_id !== null,
  };
}

export async function createVisitor(deps: ChatDeps, input: CreateVisitorInput): Promise<VisitorDto> {
  const metadata = input.metadata ?? {};
  // Id and times chosen here, so the visitor.created event (stored in the same transaction) has the DTO.
  const now = new Date();
  const data = { id: randomUUID(), metadata, created_at: now, last_seen_at: now };
  const dto = toVisitorDto({ ...data, user_id: null, email: null });
  // A raw insert (../hot-sql.ts: a visitor is created on every first visit); alone when no event is written.
  await commitChange(deps, {
    writes: [insertVisitor(deps.db, data)],
    events: [{ type: "visitor.created", data: dto }],
    at: now,
  });
  return dto;
}

/** A visitor that exists is valid; validating it counts as being seen. */
export async function validateVisitor(
  deps: ChatDeps,
  input: ValidateVisitorInput,
): Promise<{ valid: true; visitor: VisitorDto }> {
  const row = await touchVisitor(deps.db, input.id);
  return { valid: true, visitor: toVisitorDto(row) };
}

/** Records activity of a visitor, failing with VISITOR_NOT_FOUND when there is no such visitor. */
async function touchVisitor(db: Db, visitorId: string): Promise<VisitorRow> {
  if (!isUuid(visitorId)) throw new AppError("VISITOR_NOT_FOUND");
  // updateMany does not throw on a missing row, so "not found" needs no error-code sniffing.
  const { count } = await db.visitor.updateMany({
    where: { id: visitorId },
    data: { last_seen_at: new Date() },
  });
  if (Number(count) === 0) throw new AppError("VISITOR_NOT_FOUND");
  const row = await db.visitor.findUnique({ where: { id: visitorId } });
  if (!row) throw new AppError("VISITOR_NOT_FOUND");
  return row;
}

export async function requireVisitor(db: Db, visitorId: string): Promise<void> {
  if (!isUuid(visitorId)) throw new AppError("VISITOR_NOT_FOUND");
  const row = await db.visitor.findUnique({ where: { id: visitorId }, select: { id: true } });
  if (!row) throw new AppError("VISITOR_NOT_FOUND");
}

/** A chat records the visitor's activity at most this often (last_seen_at is coarse: admin lists, sorting). */
const SEEN_BUMP_INTERVAL_MS = 60_000;
const SEEN_MEMO_MAX = 10_000;
/** Visitor id → when this process last recorded them seen (by a chat). Bounded: cleared when full. */
const lastRecordedSeen = new Map<string, number>();

/**
 * True if this process recorded the visitor seen less than a minute before `at` (so the chat skips the
 * visitor update); otherwise notes `at` as recorded and returns false (the caller writes it).
 */
export function visitorSeenRecently(visitorId: string, at: Date): boolean {
  const last = lastRecordedSeen.get(visitorId);
  if (last !== undefined && at.getTime() - last < SEEN_BUMP_INTERVAL_MS && at.getTime() >= last) return true;
  if (lastRecordedSeen.size >= SEEN_MEMO_MAX) lastRecordedSeen.clear();
  lastRecordedSeen.set(visitorId, at.getTime());
  return false;
}

/** Undoes a note of visitorSeenRecently whose write did not happen. */
export function forgetVisitorSeen(visitorId: string): void {
  lastRecordedSeen.delete(visitorId);
}

/** Stores the address a visitor left for a later answer (no agent was available); the latest one wins. */
export async function setVisitorEmail(deps: ChatDeps, input: SetVisitorEmailInput): Promise<VisitorDto> {
  if (input.visitor_id !== undefined && input.visitor_id.toLowerCase() !== input.id.toLowerCase())
    throw new AppError("VISITOR_ID_MISMATCH");
  if (!isUuid(input.id)) throw new AppError("VISITOR_NOT_FOUND");
  const { count } = await deps.db.visitor.updateMany({
    where: { id: input.id },
    // Leaving an address (again) asks for answers by email: a stop given earlier no longer holds.
    data: { email: input.email, email_stopped_at: null },
  });
  if (Number(count) === 0) throw new AppError("VISITOR_NOT_FOUND");
  const row = await deps.db.visitor.findUnique({ where: { id: input.id } });
  if (!row) throw new AppError("VISITOR_NOT_FOUND");
  return toVisitorDto(row);
}
