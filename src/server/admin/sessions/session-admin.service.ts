import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../../chat/deps";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../../chat/ids";
import { toMessageDto } from "../../chat/messages/messages.service";
import { WITH_FEEDBACK } from "../../chat/messages/message-dto";
import { decodeCursor, keysetWhere, toPage, type Keyset } from "../../chat/pagination";
import { toVisitorDto } from "../../chat/visitors/visitors.service";
import { searchWords, snippetOf } from "~/shared/search-snippet";
import {
  matchingMessages,
  searchPlan,
  MATCH_BATCHES,
  MATCH_SCAN_MAX,
  type MatchingMessage,
} from "./session-search";
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
export function createdAtRange(input: CreatedBetweenInput): Prisma.DateTimeFilter | undefined {
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
 * messages table before it joins the page (measured: 0.5–0.8 s at 1,000,000 messages, bench/RESULTS.md).
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

/** The `assignee` filter: held by me, by nobody, or by this agent. */
function assigneeWhere(assignee: string | undefined, me: string): Prisma.SessionWhereInput {
  if (assignee === undefined) return {};
  if (assignee === "none") return { AND: [{ mode: { not: "agent" } }] };
  return { AND: [{ mode: "agent" }, { agent_id: assignee === "me" ? me : assignee }] };
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
  const inTime =
    input.mode === "waiting" && !(await queueHoldsRequests(deps))
      ? {
          OR: [
            { handoff_requested_at: null },
            {
              handoff_requested_at: {
                gt: new Date((deps.now?.() ?? new Date()).getTime() - deps.config.handoffTimeoutMs),
              },
            },
          ],
        }
      : undefined;
  const createdAt = createdAtRange(input);
  const queue = input.needs_follow_up === true;
  const orderKey = queue ? "follow_up_since" : "updated_at";
  const filters: Prisma.SessionWhereInput[] = [
    {
      ...(input.visitor_id && { visitor_id: input.visitor_id }),
      ...(input.mode && { mode: input.mode }),
      ...(input.label !== undefined && { labels: { some: { label: input.label } } }),
      ...inTime,
      ...(createdAt && { created_at: createdAt }),
      ...(input.status === "failed" && { messages: { some: { status: "failed" } } }),
      ...(input.status === "ok" && { messages: { none: { status: "failed" } } }),
      ...(input.needs_follow_up !== undefined && {
        follow_up_since: input.needs_follow_up ? { not: null } : null,
      }),
    },
    assigneeWhere(input.assignee, me),
  ];
  const words = input.q === undefined ? [] : searchWords(input.q);
  const page = (extra: Prisma.SessionWhereInput[], from: Keyset | undefined, take: number) =>
    deps.db.session.findMany({
      where: { AND: [...filters, ...extra, keysetWhere<Prisma.SessionWhereInput>(orderKey, from, "desc")] },
      orderBy: [{ [orderKey]: "desc" }, { id: "desc" }],
      take,
      include: {
        visitor: { select: { email: true } },
        labels: LABELS_INCLUDE,
      },
    });
  const keyOf = (row: SessionRow) => (queue ? row.follow_up_since! : row.updated_at);
  if (words.length > 0)
    return searchSessions(
      deps,
      words,
      input.limit,
      async (ids) =>
        (
          await deps.db.session.findMany({
            where: { AND: [...filters, { id: { in: ids } }] },
            select: { id: true },
          })
        ).map((row) => row.id),
      (ids) => page([{ id: { in: ids } }], undefined, ids.length),
    );
  const rows = await page([], after, input.limit + 1);
  const shown = rows.slice(0, input.limit).map((row) => row.id);
  const counts = await messageCounts(deps, shown);
  return toPage(rows, input.limit, keyOf, (row) =>
    toAdminSessionDto(row, counts.get(row.id) ?? NO_MESSAGES, row.visitor.email),
  );
}

type ListedSession = SessionRow & {
  visitor: { email: string | null };
  labels: { label: string }[];
};

/**
 * A search (`q`): conversations ranked by their newest matching message, read from the index newest first in
 * batches, each batch's conversations passed through the list's filters (ids only, 100 at a time), until `limit` are found or MATCH_SCAN_MAX matching
 * messages were read. One page: next_cursor is null (a search is narrowed with more words or filters).
 */
async function searchSessions(
  deps: ChatDeps,
  words: string[],
  limit: number,
  /** Which of these sessions pass the list's filters (ids only, cheap). */
  passing: (ids: string[]) => Promise<string[]>,
  /** The full rows of these sessions. */
  read: (ids: string[]) => Promise<ListedSession[]>,
): Promise<{ items: AdminSessionListItemDto[]; next_cursor: null }> {
  const newestMatch = new Map<string, string>();
  const foundIds: string[] = [];
  let before: MatchingMessage["position"] | null = null;
  let scanned = 0;
  const plan = await searchPlan(deps, words);
  for (let round = 0; foundIds.length < limit && scanned < MATCH_SCAN_MAX; round += 1) {
    const take = MATCH_BATCHES[Math.min(round, MATCH_BATCHES.length - 1)]!;
    const batch = await matchingMessages(deps, words, plan, before, take);
    scanned += batch.length;
    const fresh: string[] = [];
    for (const message of batch)
      if (!newestMatch.has(message.session_id)) {
        newestMatch.set(message.session_id, message.id);
        fresh.push(message.session_id);
      }
    // In slices the size of a page (and Prisma takes at most 999 parameters a query on SQLite).
    for (let from = 0; from < fresh.length && foundIds.length < limit; from += 100) {
      const slice = fresh.slice(from, from + 100);
      const pass = new Set(await passing(slice));
      for (const id of slice) if (pass.has(id) && foundIds.length < limit) foundIds.push(id);
    }
    if (batch.length < take) break;
    before = batch[batch.length - 1]!.position;
  }
  // The page's rows, their counts and their matching messages: three queries on the page's ids, side by side.
  const [listed, counts, messages] = await Promise.all([
    read(foundIds),
    messageCounts(deps, foundIds),
    deps.db.message.findMany({
      where: { id: { in: foundIds.map((id) => newestMatch.get(id)!) } },
      select: { id: true, session_id: true, role: true, content: true, created_at: true },
    }),
  ]);
  const rows = new Map(listed.map((row) => [row.id, row]));
  const found = foundIds.flatMap((id) => rows.get(id) ?? []);
  const matches = new Map(messages.map((message) => [message.session_id, message]));
  return {
    items: found.map((row) => {
      const message = matches.get(row.id);
      return {
        ...toAdminSessionDto(row, counts.get(row.id) ?? NO_MESSAGES, row.visitor.email),
        match:
          message && message.role !== "system"
            ? {
                message_id: message.id,
                role: message.role,
                created_at: message.created_at.toISOString(),
                ...snippetOf(message.content, words),
              }
            : null,
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
