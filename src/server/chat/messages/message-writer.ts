import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../deps";
import type { AuditRecord } from "../audit/audit-record";
import { isForeignKeyViolation } from "../../db/errors";
import { AppError } from "../../errors/app-error";
import { commitChange, commitInTransaction } from "../events/commit-change";
import type { DomainEvent } from "../events/catalogue";
import { bumpSession, bumpVisitorSeen, insertMessages, writeReply, type NewMessageRow } from "../hot-sql";
import { LIMITS } from "../limits";
import { toSessionDto, type SessionRow } from "../sessions/sessions.service";
import { forgetVisitorSeen, visitorSeenRecently } from "../visitors/visitors.service";
import { wantsWebhookEvent } from "../webhooks/webhook-events";
import { toMessageDto, type MessageRow } from "./message-dto";
import { RETRYABLE_STATUSES } from "./message-status";
import type { MessageDto } from "./message.schema";
import { chatMessageTimes } from "./message-clock";
import type { SystemMessageKind } from "~/shared/system-messages";
import type { AttachmentMeta } from "../attachments/attachment-dto";

/**
 * THE message writer: the one module that knows how a message is stored — the row (raw SQL, the hot path), the
 * session's `updated_at` (and its title from a first message), the visitor's `last_seen_at` for a visitor's
 * message, and the events: `message.created` live for every message and to webhooks once the message is
 * complete (the visitor's and an agent's at once, an assistant reply when its run completes it: saveReply).
 * Visitor, assistant and agent messages are all stored through here, in one transaction with their events.
 */

/** A session a message is written to: its id and visitor; the whole row when a first message titles it. */
type TargetSession = Pick<SessionRow, "id" | "visitor_id">;

/**
 * The message to store: the visitor's, an agent's (with the name the visitor sees), an assistant reply, or a
 * visible step of the conversation (role system: its kind, and the agent it names).
 */
export type NewMessage =
  | { role: "user"; content: string; attachments?: AttachmentMeta[] }
  | { role: "agent"; content: string; author_name: string; attachments?: AttachmentMeta[] }
  | { role: "assistant" }
  | { role: "system"; kind: SystemMessageKind; author_name?: string | null };

/** A system step's stored text: an English rendering for readers that do not know the kind (exports, webhooks). */
function systemText(kind: SystemMessageKind, name: string | null): string {
  switch (kind) {
    case "agent_joined":
      return `${name ?? "An agent"} joined the conversation`;
    case "handed_back":
      return "The conversation was handed back to the assistant";
    case "closed":
      return "The conversation was closed";
    case "reopened":
      return "The conversation was reopened";
  }
}

/** A title from the first message: whitespace folded, cut at a word boundary. */
export function titleFromMessage(message: string): string {
  const folded = message.replace(/\s+/g, " ").trim();
  if (folded.length <= LIMITS.derivedTitleMaxChars) return folded;
  const cut = folded.slice(0, LIMITS.derivedTitleMaxChars - 1);
  const lastSpace = cut.lastIndexOf(" ");
  return `${lastSpace > LIMITS.derivedTitleMaxChars / 2 ? cut.slice(0, lastSpace) : cut}…`;
}

function rowOf(sessionId: string, message: NewMessage, at: Date): NewMessageRow {
  const authorName =
    message.role === "agent"
      ? message.author_name
      : message.role === "system"
        ? (message.author_name ?? null)
        : null;
  return {
    id: randomUUID(),
    session_id: sessionId,
    role: message.role,
    author_name: authorName,
    kind: message.role === "system" ? message.kind : null,
    content:
      message.role === "assistant"
        ? ""
        : message.role === "system"
          ? systemText(message.kind, authorName)
          : message.content,
    // An assistant reply starts empty and streams (its run writes it: saveReply).
    status: message.role === "assistant" ? "streaming" : "complete",
    sources: [],
    created_at: at,
    saved_at: at,
  };
}

/**
 * Stores messages of one session, in conversation order (each a millisecond after the previous, after the
 * session's earlier messages), with the bumps and events, in one transaction. `untitled`: the stored session
 * (it has no title yet), titled from the first message and announced as session.updated. `audit`: who did it
 * (an agent's message). A session deleted meanwhile is SESSION_NOT_FOUND.
 */
export async function storeMessages(
  deps: ChatDeps,
  args: {
    session: TargetSession;
    messages: readonly NewMessage[];
    untitled?: SessionRow;
    audit?: AuditRecord;
    /** More of the same change (e.g. an agent's reply takes the session out of the follow-up queue). */
    also?: { writes: Prisma.PrismaPromise<unknown>[]; events: DomainEvent[] };
  },
): Promise<MessageDto[]> {
  const { session, messages } = args;
  const { userAt } = chatMessageTimes(session.id);
  const rows = messages.map((message, index) =>
    rowOf(session.id, message, new Date(userAt.getTime() + index)),
  );
  const last = rows[rows.length - 1]!.created_at;
  const first = messages[0];
  const title =
    args.untitled && first && (first.role === "user" || first.role === "agent")
      ? titleFromMessage(first.content)
      : undefined;
  // The visitor was seen: recorded at most once a minute per process (visitorSeenRecently).
  const fromVisitor = messages.some((message) => message.role === "user");
  const bumpVisitor = fromVisitor && !visitorSeenRecently(session.visitor_id, userAt);
  // The files each message carries (checked by attachableAttachments): bound to it in the same transaction, and
  // in its DTO (message.created, the answer).
  const carried = messages.map((message) =>
    message.role === "user" || message.role === "agent" ? (message.attachments ?? []) : [],
  );
  const dtos = rows.map((row, index) => toMessageDto({ ...row, attachments: carried[index] }));
  const attach = rows.flatMap((row, index) =>
    carried[index]!.length === 0
      ? []
      : [
          deps.db.attachment.updateMany({
            where: {
              id: { in: carried[index]!.map((file) => file.id) },
              session_id: session.id,
              message_id: null,
            },
            data: { message_id: row.id },
          }),
        ],
  );
  const events: DomainEvent[] = dtos.map((dto) => ({
    type: "message.created",
    data: dto,
    session_id: session.id,
    // An assistant reply is announced to webhooks when it is complete (saveReply), not while it streams.
    ...(dto.status === "streaming" && { to: { webhook: false } }),
  }));
  if (title !== undefined && args.untitled)
    events.push({
      type: "session.updated",
      data: toSessionDto({ ...args.untitled, title, updated_at: last }),
      session_id: session.id,
    });
  try {
    // Raw statements (../hot-sql.ts) in a batch: the chat's hot path; no interactive transaction.
    await commitChange(deps, {
      writes: [
        insertMessages(deps.db, rows),
        ...attach,
        bumpSession(deps.db, session.id, last, title),
        ...(bumpVisitor ? [bumpVisitorSeen(deps.db, session.visitor_id, userAt)] : []),
        ...(args.also?.writes ?? []),
      ],
      events: [...events, ...(args.also?.events ?? [])],
      audit: args.audit,
      at: userAt,
    });
  } catch (error) {
    // Whatever was noted of the visitor's visit did not happen: the next message records it.
    if (fromVisitor) forgetVisitorSeen(session.visitor_id);
    // The session was deleted between the ownership check and the insert.
    if (isForeignKeyViolation(error)) throw new AppError("SESSION_NOT_FOUND", { cause: error });
    throw error;
  }
  return dtos;
}

/**
 * A visible step (role system) written inside the transaction of the change it tells of (a mode change:
 * handoff-steps.ts): the row, and its message.created event for that change's effects. Steps do not bump the
 * session's activity (they are not messages anyone wrote).
 */
export async function writeSystemStep(
  tx: Pick<ChatDeps["db"], "$executeRaw">,
  sessionId: string,
  step: { kind: SystemMessageKind; author_name?: string | null },
): Promise<DomainEvent> {
  const { userAt } = chatMessageTimes(sessionId);
  const row = rowOf(sessionId, { role: "system", ...step }, userAt);
  await insertMessages(tx, [row]);
  return { type: "message.created", data: toMessageDto(row), session_id: sessionId };
}

/** The fenced write of a reply's text and end state (see ReplyWriter in reply-run.ts). */
export type ReplySave = Parameters<typeof writeReply>[1];

/**
 * Saves a reply run's write (fenced: only while the reply is still this run's); `reply` is the message as its
 * run started it. The last write (with a status) announces the reply as it ended — message.updated live and, once
 * complete, message.created to webhooks, in its transaction — if and only if it lands; every other write is one
 * statement (the hot path: no transaction either when no endpoint wants message.created). Answers the rows
 * written (0 or 1). The deltas are published by the run's listener as they come (they store nothing).
 */
export async function saveReply(
  deps: Pick<ChatDeps, "db" | "events">,
  save: ReplySave,
  reply: MessageDto,
): Promise<number> {
  const { status } = save.data;
  if (status === undefined) return writeReply(deps.db, save);
  const ended: MessageDto = {
    ...reply,
    content: save.data.content,
    sources: save.data.sources ?? [],
    status,
  };
  const updated: DomainEvent = { type: "message.updated", data: ended, session_id: reply.session_id };
  if (status !== "complete" || !wantsWebhookEvent(deps.db, "message.created")) {
    const written = await writeReply(deps.db, save);
    if (written > 0) await commitChange(deps, { writes: [], events: [updated] });
    return written;
  }
  return commitInTransaction(
    deps,
    async (tx) => {
      const written = await writeReply(tx, save);
      if (written === 0) return { result: written };
      const created: DomainEvent = {
        type: "message.created",
        data: { ...ended, feedback: null },
        session_id: reply.session_id,
        to: { followers: false, admin: false },
      };
      return { result: written, events: [created, updated], at: save.stamp };
    },
    FINAL_SAVE_TRANSACTION,
  );
}

/**
 * Takes a failed, stopped or stale reply for a retry, in place, in one transaction: only while it is still
 * retryable (two retries at once cannot both regenerate it), its text, sources and rating cleared (the rating was
 * of the text being replaced), saved_at moved to `savedAt` (fencing off any earlier run still writing it), the
 * session's activity bumped, and message.updated announced. Answers the reply as it starts again, or null when
 * another writer took it first.
 */
export async function claimReplyForRetry(
  deps: Pick<ChatDeps, "db" | "events">,
  reply: MessageRow,
  args: { savedAt: Date; staleBefore: Date },
): Promise<MessageDto | null> {
  const restarted = toMessageDto({ ...reply, content: "", status: "streaming", sources: [] });
  return commitInTransaction(deps, async (tx) => {
    const { count } = await tx.message.updateMany({
      where: {
        id: reply.id,
        OR: [
          { status: { in: [...RETRYABLE_STATUSES] } },
          { status: "streaming", saved_at: { lt: args.staleBefore } },
        ],
      },
      data: { content: "", status: "streaming", sources: [], answer_kind: null, saved_at: args.savedAt },
    });
    if (Number(count) === 0) return { result: null };
    await tx.session.updateMany({ where: { id: reply.session_id }, data: { updated_at: args.savedAt } });
    await tx.messageFeedback.deleteMany({ where: { message_id: reply.id } });
    return {
      result: restarted,
      events: [{ type: "message.updated", data: restarted, session_id: reply.session_id }],
    };
  });
}

/**
 * Marks a stale streaming reply failed (its writer is gone), only if nobody wrote it since it was read (the same
 * fence the runs use); its text is kept and saved_at stamped (a resume's snapshot includes it). Announced as
 * message.updated when a bus is given. Answers whether it was failed.
 */
export async function failStaleReply(
  deps: { db: ChatDeps["db"]; events?: ChatDeps["events"] },
  reply: { id: string; saved_at: Date },
  now: Date,
): Promise<boolean> {
  return commitInTransaction(deps, async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id: reply.id, status: "streaming", saved_at: reply.saved_at },
      data: { status: "failed", saved_at: now },
    });
    // (Counts are bigints with SQLite's driver.)
    if (Number(count) === 0) return { result: false };
    const row = deps.events ? await tx.message.findUnique({ where: { id: reply.id } }) : null;
    return {
      result: true,
      events: row ? [{ type: "message.updated", data: toMessageDto(row), session_id: row.session_id }] : [],
    };
  });
}

/**
 * Marks a reply another instance is writing as stopped; that instance's run sees it on its next partial save,
 * cancels upstream and stores the text so far (its final save announces the reply as it ended).
 */
export async function markReplyStopped(deps: Pick<ChatDeps, "db">, replyId: string): Promise<void> {
  await deps.db.message.updateMany({
    where: { id: replyId, status: "streaming" },
    data: { status: "stopped" },
  });
}

/**
 * Interactive-transaction limits of the final save. Prisma's defaults (2 s to get a connection, 5 s to run) fail
 * saves under load while the pool is busy for a moment; the run retries, but waiting is better.
 */
const FINAL_SAVE_TRANSACTION = { maxWait: 10_000, timeout: 10_000 };
