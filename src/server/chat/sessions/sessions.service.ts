import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../../db/client";
import type { ChatDeps } from "../deps";
import { AppError } from "../../errors/app-error";
import { commitChange } from "../events/commit-change";
import { isLocale } from "~/i18n/locales";
import { isUuid } from "../ids";
import { decodeCursor, keysetWhere, toPage } from "../pagination";
import { requireVisitor } from "../visitors/visitors.service";
import { requireMayWrite } from "../visitors/identify-visitor";
import type {
  CreateSessionInput,
  ListSessionsInput,
  OwnedSessionInput,
  RenameSessionInput,
  SessionDto,
} from "./session.schema";
import { logError } from "../../observability/logger";

export type SessionRow = Prisma.SessionGetPayload<object>;

export function toSessionDto(
  row: Pick<
    SessionRow,
    | "id"
    | "visitor_id"
    | "title"
    | "created_at"
    | "updated_at"
    | "mode"
    | "agent_name"
    | "handoff_requested_at"
    | "follow_up_since"
    | "locale"
    | "transcript_requested_at"
  >,
): SessionDto {
  return {
    id: row.id,
    visitor_id: row.visitor_id,
    title: row.title,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    mode: row.mode,
    agent_name: row.mode === "agent" ? row.agent_name : null,
    handoff_requested_at: row.handoff_requested_at?.toISOString() ?? null,
    locale: isLocale(row.locale) ? row.locale : null,
    needs_follow_up: row.follow_up_since !== null,
    transcript_requested: row.transcript_requested_at !== null,
  };
}

/**
 * The one ownership check: the visitor must exist and the session must be theirs. Every operation on a
 * session or its messages goes through here.
 */
export async function findOwnedSession(db: Db, sessionId: string, visitorId: string): Promise<SessionRow> {
  const row = isUuid(sessionId) ? await db.session.findUnique({ where: { id: sessionId } }) : null;
  // The common case costs one query: a session of this visitor proves the visitor exists (foreign key).
  if (row && row.visitor_id === visitorId) return row;
  // Otherwise report in order: unknown visitor first (create one), then unknown session, then not yours.
  await requireVisitor(db, visitorId);
  if (!row) throw new AppError("SESSION_NOT_FOUND");
  throw new AppError("SESSION_OF_ANOTHER_VISITOR");
}

export async function createSession(deps: ChatDeps, input: CreateSessionInput): Promise<SessionDto> {
  await requireVisitor(deps.db, input.visitor_id);
  await requireMayWrite(deps, input.visitor_id);
  const now = new Date();
  // Id and times chosen here, so the session.created event (stored in the same transaction) has the DTO.
  const data = {
    id: randomUUID(),
    visitor_id: input.visitor_id,
    title: input.title ?? null,
    locale: input.locale ?? null,
    created_at: now,
    updated_at: now,
  };
  const dto = toSessionDto({
    ...data,
    mode: "bot",
    agent_name: null,
    handoff_requested_at: null,
    transcript_requested_at: null,
    follow_up_since: null,
  });
  await commitChange(deps, {
    writes: [deps.db.session.create({ data, select: { id: true } })],
    events: [{ type: "session.created", data: dto }],
    at: now,
  });
  return dto;
}

/** A visitor's sessions, most recent activity first. */
export async function listSessions(
  deps: ChatDeps,
  input: ListSessionsInput,
): Promise<{ items: SessionDto[]; next_cursor: string | null }> {
  await requireVisitor(deps.db, input.visitor_id);
  const after = decodeCursor(input.cursor);
  const rows = await deps.db.session.findMany({
    where: {
      visitor_id: input.visitor_id,
      ...keysetWhere<Prisma.SessionWhereInput>("updated_at", after, "desc"),
    },
    orderBy: [{ updated_at: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  return toPage(rows, input.limit, (row) => row.updated_at, toSessionDto);
}

export async function getSession(deps: ChatDeps, input: OwnedSessionInput): Promise<SessionDto> {
  return toSessionDto(await findOwnedSession(deps.db, input.id, input.visitor_id));
}

/** Renaming does not count as activity: updated_at (the list order) is left alone. */
export async function renameSession(deps: ChatDeps, input: RenameSessionInput): Promise<SessionDto> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  const dto = toSessionDto({ ...session, title: input.title });
  await commitChange(deps, {
    writes: [deps.db.session.updateMany({ where: { id: session.id }, data: { title: input.title } })],
    events: [{ type: "session.updated", data: dto, session_id: session.id }],
  });
  return dto;
}

/** Deletes the session and (by cascade) its messages. */
export async function deleteSession(
  deps: ChatDeps,
  input: OwnedSessionInput,
): Promise<{ id: string; deleted: true }> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  // deleteMany: a concurrent delete of the same session is not an error, the outcome is the same.
  await deps.db.session.deleteMany({ where: { id: session.id } });
  await forgetSessionEvents(deps, session.id);
  return { id: session.id, deleted: true };
}

/** A deleted session's kept events are dropped and its followers end (on every instance). Never throws. */
export async function forgetSessionEvents(deps: ChatDeps, sessionId: string): Promise<void> {
  try {
    await deps.events.forget(sessionId);
  } catch (error) {
    logError("events: could not end the followers of a deleted session", error, { session_id: sessionId });
  }
}
