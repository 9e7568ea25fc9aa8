import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../../chat/deps";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../../chat/ids";
import { toMessageDto } from "../../chat/messages/messages.service";
import { WITH_FEEDBACK } from "../../chat/messages/message-dto";
import { decodeCursor, keysetWhere, toPage } from "../../chat/pagination";
import { toVisitorDto } from "../../chat/visitors/visitors.service";
import { searchWords, snippetOf } from "~/shared/search-snippet";
import { searchPage, type SessionFilters } from "./session-search";
import type {
  AdminSessionDto,
  AdminSessionListItemDto,
  CreatedBetweenInput,
  GetTranscriptInput,
  GetTranscriptPageInput,
  ListAdminSessionsInput,
  TranscriptDto,
  TranscriptPageDto,
} from "./session-admin.schema";
import { toSessionDto } from "../../chat/sessions/sessions.service";
import { visitorContextOf } from "./visitor-context";
import { queueHoldsRequests } from "../../chat/handoff/auto-assign";

const DAY_MS = 24 * 60 * 60 * 1000;

/** `from`/`to` days as a half-open instant range [from 00:00Z, day after `to` 00:00Z). */
export function createdAtRange(input: CreatedBetweenInput): { gte?: Date; lt?: Date } | undefined {
  const gte = input.from ? new Date(`${input.from}T00:00:00.000Z`) : undefined;
  const lt = input.to ? new Date(new Date(`${input.to}T00:00:00.000Z`).getTime() + DAY_MS) : undefined;
  if (gte && lt && gte >= lt) throw new AppError("INVALID_DATE_RANGE");
  return gte || lt ? { ...(gte && { gte }), ...(lt && { lt }) } : undefined;
}

type SessionRow = Prisma.SessionGetPayload<object>;
type SessionWithTranscript = Prisma.SessionGetPayload<{
  include: { visitor: true; messages: true; labels: { select: { label: true } } };
}>;

/** The labels of a session, as every admin read includes them (alphabetical). */
export const LABELS_INCLUDE = { select: { label: true }, orderBy: { label: "asc" } } as const;

interface MessageCounts {
  messages: number;
  failed: number;
}

/**
 * Messages and failed replies per session, for a page of sessions: one query grouped by session and status, read
 * through the (session_id, created_at, id) index. Not Prisma's `_count` include, which aggregates the whole
 * messages table before it joins the page (measured: 0.5–0.8 s at 1,000,000 messages, bench/RESULTS.md). A search
 * counts in its own statement, the same way (session-search.ts, pageColumns; tests/session-search.test.ts compares).
 */
async function messageCounts(deps: ChatDeps, sessionIds: string[]): Promise<Map<string, MessageCounts>> {
  const counts = new Map<string, MessageCounts>();
  if (sessionIds.length === 0) return counts;
  const groups = await deps.db.message.groupBy({
    by: ["session_id", "status"],
    where: { session_id: { in: sessionIds } },
    _count: { _all: true },
  });
  for (const group of groups) {
    const entry = counts.get(group.session_id) ?? { messages: 0, failed: 0 };
    entry.messages += group._count._all;
    if (group.status === "failed") entry.failed += group._count._all;
    counts.set(group.session_id, entry);
  }
  return counts;
}

const NO_MESSAGES: MessageCounts = { messages: 0, failed: 0 };

function toAdminSessionDto(
  row: SessionRow & { labels: { label: string }[] },
  counts: MessageCounts,
  visitorEmail: string | null,
): AdminSessionDto {
  return {
    ...toSessionDto(row),
    message_count: counts.messages,
    failed_count: counts.failed,
    agent_id: row.mode === "agent" ? row.agent_id : null,
    visitor_email: visitorEmail,
    follow_up_since: row.follow_up_since?.toISOString() ?? null,
    labels: row.labels.map((entry) => entry.label),
  };
}

/** A session with its visitor and all its messages (oldest first), as a transcript; failed_count from them. */
export function toTranscriptDto(row: SessionWithTranscript): TranscriptDto {
  const failed = row.messages.filter((message) => message.status === "failed").length;
  return {
    session: toAdminSessionDto(row, { messages: row.messages.length, failed }, row.visitor.email),
    visitor: toVisitorDto(row.visitor),
    messages: row.messages.map(toMessageDto),
  };
}

/** The `assignee` filter: held by nobody, or by me or this agent. */
function holderOf(assignee: string | undefined, me: string): SessionFilters["holder"] {
  if (assignee === undefined) return undefined;
  if (assignee === "none") return { unheld: true };
  return { unheld: false, agentId: assignee === "me" ? me : assignee };
}

/** The list's filters as a Prisma where (the search applies the same ones in SQL: sessionFilterSql). */
function sessionWhere(filters: SessionFilters): Prisma.SessionWhereInput[] {
  const { holder, createdAt, requestedAfter } = filters;
  return [
    {
      ...(filters.visitorId !== undefined && { visitor_id: filters.visitorId }),
      ...(filters.mode !== undefined && { mode: filters.mode }),
      ...(filters.label !== undefined && { labels: { some: { label: filters.label } } }),
      ...(requestedAfter && {
        OR: [{ handoff_requested_at: null }, { handoff_requested_at: { gt: requestedAfter } }],
      }),
      ...(createdAt && { created_at: createdAt }),
      ...(filters.status === "failed" && { messages: { some: { status: "failed" } } }),
      ...(filters.status === "ok" && { messages: { none: { status: "failed" } } }),
      ...(filters.followUp !== undefined && { follow_up_since: filters.followUp ? { not: null } : null }),
    },
    holder === undefined
      ? {}
      : holder.unheld
        ? { AND: [{ mode: { not: "agent" } }] }
        : { AND: [{ mode: "agent" }, { agent_id: holder.agentId }] },
  ];
}

/**
 * Every visitor's sessions, most recent activity first, filtered by start day, reply status, mode, visitor (admin
 * only). The follow-up queue (`needs_follow_up: true`) is ordered by when the unanswered request was made, newest
 * first.
 */
export async function listAdminSessions(
  deps: ChatDeps,
  input: ListAdminSessionsInput,
  /** The caller's agent id, what `assignee=me` means. */
  me: string,
): Promise<{ items: AdminSessionListItemDto[]; next_cursor: string | null }> {
  const after = decodeCursor(input.cursor);
  if (input.visitor_id !== undefined && !isUuid(input.visitor_id)) return { items: [], next_cursor: null };
  // The waiting queue shows only requests still in time: those past HANDOFF_TIMEOUT_SECONDS go back to the bot
  // (the handoff-timeout job, within seconds), and are left out meanwhile — unless auto-assignment holds them in
  // its queue (on, with an agent online: src/server/chat/handoff/auto-assign.ts).
  const requestedAfter =
    input.mode === "waiting" && !(await queueHoldsRequests(deps))
      ? new Date((deps.now?.() ?? new Date()).getTime() - deps.config.handoffTimeoutMs)
      : undefined;
  const createdAt = createdAtRange(input);
  const queue = input.needs_follow_up === true;
  const orderKey = queue ? "follow_up_since" : "updated_at";
  const spec: SessionFilters = {
    ...(input.visitor_id !== undefined && { visitorId: input.visitor_id }),
    ...(input.mode !== undefined && { mode: input.mode }),
    ...(input.label !== undefined && { label: input.label }),
    ...(requestedAfter && { requestedAfter }),
    ...(createdAt && { createdAt }),
    ...(input.status !== "any" && { status: input.status }),
    ...(input.needs_follow_up !== undefined && { followUp: input.needs_follow_up }),
    holder: holderOf(input.assignee, me),
  };
  const words = input.q === undefined ? [] : searchWords(input.q);
  if (words.length > 0) return searchSessions(deps, words, spec, input.limit);
  const rows = await deps.db.session.findMany({
    where: { AND: [...sessionWhere(spec), keysetWhere<Prisma.SessionWhereInput>(orderKey, after, "desc")] },
    orderBy: [{ [orderKey]: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    include: { visitor: { select: { email: true } }, labels: LABELS_INCLUDE },
  });
  const keyOf = (row: SessionRow) => (queue ? row.follow_up_since! : row.updated_at);
  const shown = rows.slice(0, input.limit).map((row) => row.id);
  const counts = await messageCounts(deps, shown);
  return toPage(rows, input.limit, keyOf, (row) =>
    toAdminSessionDto(row, counts.get(row.id) ?? NO_MESSAGES, row.visitor.email),
  );
}

/**
 * A search (`q`): one page of conversations ranked by their newest matching message — text match, filters, the
 * matching messages, counts, labels and emails in one SQL statement (session-search.ts: searchPage) — then the
 * page's session rows. next_cursor is null (a search is narrowed with more words or filters).
 */
async function searchSessions(
  deps: ChatDeps,
  words: string[],
  filters: SessionFilters,
  limit: number,
): Promise<{ items: AdminSessionListItemDto[]; next_cursor: null }> {
  const hits = await searchPage(deps, words, filters, limit);
  const listed = await deps.db.session.findMany({ where: { id: { in: hits.map((hit) => hit.session_id) } } });
  const rows = new Map(listed.map((row) => [row.id, row]));
  return {
    items: hits.flatMap(({ session_id, message, counts, labels, visitor_email }) => {
      const row = rows.get(session_id);
      if (!row) return [];
      return {
        ...toAdminSessionDto({ ...row, labels: labels.map((label) => ({ label })) }, counts, visitor_email),
        match: {
          message_id: message.id,
          role: message.role,
          created_at: message.created_at.toISOString(),
          ...snippetOf(message.content, words),
        },
      };
    }),
    next_cursor: null,
  };
}

/** A session with its visitor and every message, oldest first (admin only). */
export async function getTranscript(deps: ChatDeps, input: GetTranscriptInput): Promise<TranscriptDto> {
  if (!isUuid(input.id)) throw new AppError("SESSION_NOT_FOUND");
  const row = await deps.db.session.findUnique({
    where: { id: input.id },
    include: {
      visitor: true,
      messages: { orderBy: [{ created_at: "asc" }, { id: "asc" }], include: WITH_FEEDBACK },
      labels: LABELS_INCLUDE,
    },
  });
  if (!row) throw new AppError("SESSION_NOT_FOUND");
  return toTranscriptDto(row);
}

/**
 * A session with its visitor and one keyset page of its messages, oldest first (admin only): a session of
 * thousands of messages is read and shown a page at a time. The counts are the whole session's.
 */
export async function getTranscriptPage(
  deps: ChatDeps,
  input: GetTranscriptPageInput,
): Promise<TranscriptPageDto> {
  if (!isUuid(input.id)) throw new AppError("SESSION_NOT_FOUND");
  const after = decodeCursor(input.cursor);
  const row = await deps.db.session.findUnique({
    where: { id: input.id },
    include: {
      visitor: true,
      labels: LABELS_INCLUDE,
      messages: {
        where: keysetWhere<Prisma.MessageWhereInput>("created_at", after, "asc"),
        orderBy: [{ created_at: "asc" }, { id: "asc" }],
        take: input.limit + 1,
        include: WITH_FEEDBACK,
      },
    },
  });
  if (!row) throw new AppError("SESSION_NOT_FOUND");
  const counts = (await messageCounts(deps, [row.id])).get(row.id) ?? NO_MESSAGES;
  const page = toPage(row.messages, input.limit, (message) => message.created_at, toMessageDto);
  return {
    session: toAdminSessionDto(row, counts, row.visitor.email),
    visitor: toVisitorDto(row.visitor),
    messages: page.items,
    next_cursor: page.next_cursor,
    context: await visitorContextOf(deps, row.visitor, row.id),
  };
}
