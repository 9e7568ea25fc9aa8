import { randomUUID } from "node:crypto";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../deps";
import { isDatabaseUnavailable } from "../../db/unavailable";
import { isForeignKeyViolation } from "../../db/errors";
import { bumpSession, bumpVisitorSeen, completeTurns, insertMessages, type NewMessageRow } from "../hot-sql";
import { AppError } from "../../errors/app-error";
import { LIMITS } from "../limits";
import { decodeCursor, keysetWhere, toPage, type Keyset } from "../pagination";
import type { ChatTurn } from "../responder/responder";
import { publishEvent } from "../events/publish";
import type { SessionEvent } from "../events/event-types";
import { followSession, type SessionSnapshot } from "../events/follow-session";
import type { SessionEventsInput } from "../sessions/session.schema";
import {
  findOwnedSession,
  publishSessionUpdated,
  toSessionDto,
  type SessionRow,
} from "../sessions/sessions.service";
import { requireMaySend } from "../visitors/identify-visitor";
import { forgetVisitorSeen, visitorSeenRecently } from "../visitors/visitors.service";
import { botAnswers, type Agent } from "../handoff/handoff-rules";
import type { AgentMessageInput } from "../handoff/handoff.schema";
import { requestHandoffFor, sessionForAgentReply, transitionSession } from "../handoff/handoff.service";
import { isUuid } from "../ids";
import { webhookEventWrites } from "../webhooks/webhook-events";
import {
  type ChatInput,
  type ChatOutput,
  type ChatStreamEvent,
  type ListMessagesInput,
  type MessageDto,
  type ReplyActionInput,
} from "./message.schema";
import { chatMessageTimes } from "./message-clock";
import { isRetryableStatus, RETRYABLE_STATUSES } from "./message-status";
import { staleBefore } from "./reply-lease";
import {
  isReplyRunActive,
  ReplyNotStoredError,
  startReplyRun,
  stopReplyRun,
  type ReplyOutcome,
  type ReplyRun,
  type ReplyRunListener,
} from "./reply-run";
import { logError } from "../../observability/logger";

import { toMessageDto, type MessageRow } from "./message-dto";

/** The visitor's rating, read with the message where a reply may have one. */
const WITH_FEEDBACK = { feedback: { select: { rating: true } } } as const;

export { toMessageDto };

/**
 * A reply's events: each delta as produced, then the message as stored once it ended. A reply whose responder
 * asked for a person (the LLM's handoff tool) hands the conversation over once it is stored.
 */
function replyEvents(deps: ChatDeps, assistantMessage: MessageDto): ReplyRunListener {
  const sessionId = assistantMessage.session_id;
  return {
    delta: (text) =>
      publishEvent(deps.events, sessionId, "message.delta", { message_id: assistantMessage.id, text }),
    stored: ({ content, sources, status, handoff }) => {
      publishEvent(deps.events, sessionId, "message.updated", {
        ...assistantMessage,
        content,
        sources,
        status,
      });
      if (handoff && status === "complete") void handOverForAssistant(deps, sessionId);
    },
  };
}

/**
 * What changed in a session since a time, as events: message.updated for each message saved since (created,
 * written or ended: saved_at moves with every write), in conversation order, then session.updated. Sent to a
 * client that resumes from further back than the kept events reach.
 */
export function sessionSnapshot(deps: ChatDeps, sessionId: string): SessionSnapshot {
  return async (sinceMs) => {
    const [rows, session] = await Promise.all([
      deps.db.message.findMany({
        where: { session_id: sessionId, saved_at: { gte: new Date(sinceMs) } },
        orderBy: [{ created_at: "asc" }, { id: "asc" }],
      }),
      deps.db.session.findUnique({ where: { id: sessionId } }),
    ]);
    return [
      ...rows.map((row) => ({ type: "message.updated" as const, data: toMessageDto(row) })),
      ...(session ? [{ type: "session.updated" as const, data: toSessionDto(session) }] : []),
    ];
  };
}

/**
 * Follows a visitor's session: its events in order, resumed after `lastEventId` with no gap and no duplicate
 * (see followSession), until `signal` aborts or the session is deleted. Ownership is checked first, so a refusal
 * is an ordinary error before any event.
 */
export async function followSessionEvents(
  deps: ChatDeps,
  input: SessionEventsInput,
  signal: AbortSignal,
): Promise<AsyncGenerator<SessionEvent>> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  return followSession({
    bus: deps.events,
    sessionId: session.id,
    lastEventId: input.lastEventId ? Number(input.lastEventId) : undefined,
    snapshot: sessionSnapshot(deps, session.id),
    signal,
  });
}

/** The assistant decided the visitor needs a person: the same request as the visitor's own. Never throws. */
async function handOverForAssistant(deps: ChatDeps, sessionId: string): Promise<void> {
  try {
    const session = await deps.db.session.findUnique({ where: { id: sessionId } });
    if (session) await requestHandoffFor(deps, session);
  } catch (error) {
    logError("chat: could not hand a session over to a person", error, { session_id: sessionId });
  }
}

/** A session's messages in conversation order (or newest first with order=desc). */
export async function listMessages(
  deps: ChatDeps,
  input: ListMessagesInput,
): Promise<{ items: MessageDto[]; next_cursor: string | null }> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  const after = decodeCursor(input.cursor);
  const rows = await deps.db.message.findMany({
    where: {
      session_id: session.id,
      ...keysetWhere<Prisma.MessageWhereInput>("created_at", after, input.order),
    },
    orderBy: [{ created_at: input.order }, { id: input.order }],
    take: input.limit + 1,
    include: WITH_FEEDBACK,
  });
  return toPage(rows, input.limit, (row) => row.created_at, toMessageDto);
}

/** A title from the first message: whitespace folded, cut at a word boundary. */
function titleFromMessage(message: string): string {
  const folded = message.replace(/\s+/g, " ").trim();
  if (folded.length <= LIMITS.derivedTitleMaxChars) return folded;
  const cut = folded.slice(0, LIMITS.derivedTitleMaxChars - 1);
  const lastSpace = cut.lastIndexOf(" ");
  return `${lastSpace > LIMITS.derivedTitleMaxChars / 2 ? cut.slice(0, lastSpace) : cut}…`;
}

interface StartedReply {
  userMessage: MessageDto;
  assistantMessage: MessageDto;
  run: ReplyRun;
}

/** A chat in waiting or agent mode stores the visitor's message only: a person answers, the assistant is silent. */
type StartedChat = StartedReply | { userMessage: MessageDto; assistantMessage: null; run: null };

/**
 * startChat for callers that need the reply (tests, benches): a session in waiting or agent mode is a fault
 * here. The transports call openChat.
 */
export async function startChat(deps: ChatDeps, input: ChatInput): Promise<StartedReply> {
  const started = await openChat(deps, input);
  if (!started.run) throw new Error("startChat: a person answers this session (mode waiting or agent)");
  return started;
}

/**
 * Stores the visitor's message and an empty assistant message (status streaming), then starts the reply.
 * Everything that can be refused (ownership, unknown ids) is refused here, before anything is stored.
 * A closed session reopens in bot mode; in waiting or agent mode only the visitor's message is stored and
 * published (a person answers), with no assistant message and no run.
 */
export async function openChat(deps: ChatDeps, input: ChatInput): Promise<StartedChat> {
  const { session, untitled, history, stored } = await ownedSessionWithHistory(deps, input);
  await requireMaySend(deps, session.visitor_id);
  // `stored` is read only off the common path (a bot session with history is known to be in bot mode).
  const mode =
    stored?.mode === "closed"
      ? (await transitionSession(deps, stored.id, { kind: "visitor_message" }, stored)).mode
      : (stored?.mode ?? "bot");
  if (!botAnswers(mode)) return storeVisitorMessageOnly(deps, input, session, untitled);

  // The reply one millisecond after the question, both after this session's previous chat.
  const { userAt, assistantAt } = chatMessageTimes(session.id);
  // Prisma runs every write in a transaction of its own: the insert, the session bump and (unless this process
  // recorded the visitor within the last minute) the visitor bump share one instead (a batch, no interactive
  // transaction: SQLite's adapter shares one connection). Raw statements (../hot-sql.ts): the hot path.
  const bumpVisitor = !visitorSeenRecently(session.visitor_id, userAt);
  // Ids and times are chosen here, so the rows are known without reading them back. The user message is
  // announced (message.created) in the same transaction; the reply once it is complete.
  const userRow: NewMessageRow = {
    id: randomUUID(),
    session_id: session.id,
    role: "user",
    content: input.message,
    status: "complete",
    sources: [],
    created_at: userAt,
    saved_at: userAt,
  };
  const assistantRow: NewMessageRow = {
    id: randomUUID(),
    session_id: session.id,
    role: "assistant",
    content: "",
    status: "streaming",
    sources: [],
    created_at: assistantAt,
    saved_at: assistantAt,
  };
  try {
    await deps.db.$transaction([
      insertMessages(deps.db, [userRow, assistantRow]),
      bumpSession(deps.db, session.id, assistantAt, untitled ? titleFromMessage(input.message) : undefined),
      ...(bumpVisitor ? [bumpVisitorSeen(deps.db, session.visitor_id, userAt)] : []),
      ...webhookEventWrites(deps.db, "message.created", toMessageDto(userRow), userAt),
    ]);
  } catch (error) {
    forgetVisitorSeen(session.visitor_id);
    // The session was deleted between the ownership check and the insert.
    if (isForeignKeyViolation(error)) throw new AppError("SESSION_NOT_FOUND", { cause: error });
    throw error;
  }
  const userMessage = toMessageDto(userRow);
  const assistantMessage = toMessageDto(assistantRow);
  publishEvent(deps.events, session.id, "message.created", userMessage);
  if (untitled) void publishSessionUpdated(deps, session.id).catch(() => undefined);
  publishEvent(deps.events, session.id, "message.created", assistantMessage);

  const run = startReplyRun({
    db: deps.db,
    responder: deps.responder,
    assistantMessageId: assistantRow.id,
    message_of: { session_id: assistantRow.session_id, created_at: assistantRow.created_at },
    savedAt: assistantRow.saved_at,
    timings: deps.config.replyTimings,
    history,
    message: input.message,
    listener: replyEvents(deps, assistantMessage),
  });
  return { userMessage, assistantMessage, run };
}

async function storeVisitorMessageOnly(
  deps: ChatDeps,
  input: ChatInput,
  session: Pick<SessionRow, "id" | "visitor_id">,
  untitled: boolean,
): Promise<StartedChat> {
  const at = new Date();
  const [row] = await deps.db.$transaction([
    deps.db.message.create({
      data: {
        session_id: session.id,
        role: "user",
        content: input.message,
        status: "complete",
        created_at: at,
        saved_at: at,
      },
    }),
    deps.db.session.updateMany({
      where: { id: session.id },
      data: { updated_at: at, ...(untitled && { title: titleFromMessage(input.message) }) },
    }),
  ]);
  const userMessage = toMessageDto(row);
  publishEvent(deps.events, session.id, "message.created", userMessage);
  if (untitled) void publishSessionUpdated(deps, session.id).catch(() => undefined);
  return { userMessage, assistantMessage: null, run: null };
}

/**
 * An agent's reply in a conversation they claimed: stored with role agent and their name, published as
 * message.created (the visitor's widget shows it live).
 */
export async function sendAgentMessage(
  deps: ChatDeps,
  input: Pick<AgentMessageInput, "id" | "message">,
  agent: Agent,
): Promise<MessageDto> {
  const session = await sessionForAgentReply(deps, input.id, agent);
  const at = new Date();
  let row: MessageRow;
  try {
    [row] = await deps.db.$transaction([
      deps.db.message.create({
        data: {
          session_id: session.id,
          role: "agent",
          author_name: agent.name,
          content: input.message,
          status: "complete",
          created_at: at,
          saved_at: at,
        },
      }),
      deps.db.session.updateMany({ where: { id: session.id }, data: { updated_at: at } }),
    ]);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new AppError("SESSION_NOT_FOUND", { cause: error });
    throw error;
  }
  const message = toMessageDto(row);
  publishEvent(deps.events, session.id, "message.created", message);
  return message;
}

/**
 * The ownership check, the mode and the responder's history in one query when the session already has complete
 * messages and the bot answers it (the common case): a complete message of this session under this visitor in
 * bot mode proves all three, and a session with messages has its title (set with its first message). Otherwise
 * the full check, in its order, with the stored session (`stored`: its mode decides who answers).
 */
async function ownedSessionWithHistory(
  deps: ChatDeps,
  input: ChatInput,
): Promise<{
  session: Pick<SessionRow, "id" | "visitor_id">;
  untitled: boolean;
  history: ChatTurn[];
  stored?: SessionRow;
}> {
  if (isUuid(input.session_id) && isUuid(input.visitor_id)) {
    const history = await historyBefore(deps, input.session_id, undefined, input.visitor_id);
    if (history.length > 0) {
      return { session: { id: input.session_id, visitor_id: input.visitor_id }, untitled: false, history };
    }
  }
  const session = await findOwnedSession(deps.db, input.session_id, input.visitor_id);
  return {
    session,
    untitled: session.title === null,
    history: await historyBefore(deps, session.id),
    stored: session,
  };
}

/** The session's complete turns before `before` (oldest first), as the responder's history. */
async function historyBefore(
  deps: ChatDeps,
  sessionId: string,
  before?: Keyset,
  ownerId?: string,
): Promise<ChatTurn[]> {
  // With an owner: the fast path of ownedSessionWithHistory, which also needs the bot to answer.
  const earlier = await completeTurns(deps.db, {
    sessionId,
    ownerId,
    before,
    limit: LIMITS.historyMaxMessages,
  });
  // An agent's words are the assistant's side of the conversation for the responder.
  return earlier.reverse().map((turn) => ({
    role: turn.role === "user" ? ("user" as const) : ("assistant" as const),
    content: turn.content,
  }));
}

/** An assistant message in a session the visitor owns. */
async function findOwnedReply(deps: ChatDeps, input: ReplyActionInput): Promise<MessageRow> {
  if (!isUuid(input.id)) throw new AppError("MESSAGE_NOT_FOUND");
  const message = await deps.db.message.findUnique({ where: { id: input.id } });
  if (!message) throw new AppError("MESSAGE_NOT_FOUND");
  await findOwnedSession(deps.db, message.session_id, input.visitor_id);
  if (message.role !== "assistant") throw new AppError("NOT_AN_ASSISTANT_MESSAGE");
  return message;
}

/**
 * Regenerates a failed or stopped reply in place (same message id): its text is cleared, it streams again
 * from the visitor's question that preceded it, with the history before that question. A reply still
 * `streaming` whose lease expired (not saved for REPLY_LEASE_SECONDS: its writer is gone) counts as failed.
 */
export async function startRetry(deps: ChatDeps, input: ReplyActionInput): Promise<StartedReply> {
  const reply = await findOwnedReply(deps, input);
  await requireMaySend(deps, input.visitor_id);
  const now = new Date();
  const { leaseMs } = deps.config.replyTimings;
  const stale =
    reply.status === "streaming" && reply.saved_at < staleBefore(now, leaseMs) && !isReplyRunActive(reply.id);
  if (!isRetryableStatus(reply.status) && !stale) throw new AppError("REPLY_NOT_RETRYABLE");
  const question = await deps.db.message.findFirst({
    where: {
      session_id: reply.session_id,
      role: "user",
      ...keysetWhere<Prisma.MessageWhereInput>("created_at", { at: reply.created_at, id: reply.id }, "desc"),
    },
    orderBy: [{ created_at: "desc" }, { id: "desc" }],
  });
  if (!question) throw new AppError("REPLY_NOT_RETRYABLE");
  // Claim the reply atomically: two retries at once cannot both regenerate it, and a new saved_at fences off
  // any earlier run still writing it (it writes only while saved_at is its own).
  const savedAt = new Date(Math.max(now.getTime(), reply.saved_at.getTime() + 1));
  const { count } = await deps.db.message.updateMany({
    where: {
      id: reply.id,
      OR: [
        { status: { in: [...RETRYABLE_STATUSES] } },
        { status: "streaming", saved_at: { lt: staleBefore(now, leaseMs) } },
      ],
    },
    data: { content: "", status: "streaming", sources: [], answer_kind: null, saved_at: savedAt },
  });
  if (Number(count) === 0) throw new AppError("REPLY_NOT_RETRYABLE");
  // The rating was of the text being replaced.
  await deps.db.$transaction([
    deps.db.session.updateMany({ where: { id: reply.session_id }, data: { updated_at: new Date() } }),
    deps.db.messageFeedback.deleteMany({ where: { message_id: reply.id } }),
  ]);
  const history = await historyBefore(deps, reply.session_id, { at: question.created_at, id: question.id });
  const assistantMessage = toMessageDto({ ...reply, content: "", status: "streaming", sources: [] });
  publishEvent(deps.events, reply.session_id, "message.updated", assistantMessage);
  const run = startReplyRun({
    db: deps.db,
    responder: deps.responder,
    assistantMessageId: reply.id,
    message_of: { session_id: reply.session_id, created_at: reply.created_at },
    savedAt,
    timings: deps.config.replyTimings,
    history,
    message: question.content,
    listener: replyEvents(deps, assistantMessage),
  });
  return { userMessage: toMessageDto(question), assistantMessage, run };
}

/**
 * Stops a reply being written: upstream generation is cancelled and the text so far is kept, with status
 * stopped. Stopping a reply that already ended changes nothing. Returns the reply as stored.
 */
export async function stopReply(deps: ChatDeps, input: ReplyActionInput): Promise<MessageDto> {
  const reply = await findOwnedReply(deps, input);
  if (reply.status === "streaming" && !(await stopReplyRun(reply.id))) {
    // Written by another instance: mark it; that instance cancels on its next partial save.
    await deps.db.message.updateMany({
      where: { id: reply.id, status: "streaming" },
      data: { status: "stopped" },
    });
  }
  const stored = await deps.db.message.findUnique({ where: { id: reply.id }, include: WITH_FEEDBACK });
  if (!stored) throw new AppError("MESSAGE_NOT_FOUND");
  return toMessageDto(stored);
}

/** The database error that kept a finished reply from being stored, if that is why the outcome failed. */
function unstoredBecauseDatabase(outcome: ReplyOutcome): unknown {
  if (outcome.ok || !(outcome.error instanceof ReplyNotStoredError)) return undefined;
  return isDatabaseUnavailable(outcome.error.cause) ? outcome.error.cause : undefined;
}

/**
 * Waits for a started chat's reply; a failed reply is an error (the visitor's message stays stored): 502, or
 * 503 when the reply could not be stored because the database stayed unreachable.
 */
async function completeReply(started: StartedChat): Promise<ChatOutput> {
  if (!started.run) return { user_message: started.userMessage, assistant_message: null };
  const outcome = await started.run.outcome;
  if (!outcome.ok) {
    const databaseError = unstoredBecauseDatabase(outcome);
    if (databaseError) throw databaseError;
    logError("chat: the responder failed", outcome.error);
    throw new AppError("REPLY_FAILED", { cause: outcome.error });
  }
  return {
    user_message: started.userMessage,
    assistant_message: {
      ...started.assistantMessage,
      content: outcome.content,
      status: outcome.status,
      sources: outcome.sources,
    },
  };
}

/** Chat and wait for the whole reply. */
export async function chat(deps: ChatDeps, input: ChatInput): Promise<ChatOutput> {
  return completeReply(await openChat(deps, input));
}

/** Retry a failed or stopped reply and wait for the whole new reply. */
export async function retry(deps: ChatDeps, input: ReplyActionInput): Promise<ChatOutput> {
  return completeReply(await startRetry(deps, input));
}

/**
 * The events of a started chat: start, each delta as the responder yields it, then done or error.
 * Stopping the iteration (client gone) leaves the reply running; it is stored when it ends.
 */
export async function* chatStreamEvents(started: StartedChat): AsyncGenerator<ChatStreamEvent> {
  yield { type: "start", user_message: started.userMessage, assistant_message: started.assistantMessage };
  if (!started.run) return; // a person answers: the stream ends after start
  for await (const text of started.run.deltas) yield { type: "delta", text };
  const outcome = await started.run.outcome;
  if (outcome.ok) {
    yield {
      type: "done",
      assistant_message: {
        ...started.assistantMessage,
        content: outcome.content,
        status: outcome.status,
        sources: outcome.sources,
      },
    };
    return;
  }
  const assistant_message = {
    ...started.assistantMessage,
    content: outcome.content,
    status: "failed" as const,
    sources: outcome.sources,
  };
  if (unstoredBecauseDatabase(outcome)) {
    // `done` only once the reply is stored: it could not be (it is marked failed once the database is back).
    const unavailable = new AppError("SERVICE_UNAVAILABLE");
    yield { type: "error", code: unavailable.code, message: unavailable.message, assistant_message };
    return;
  }
  logError("chat stream: the responder failed", outcome.error);
  const failure = new AppError("REPLY_FAILED");
  yield {
    type: "error",
    code: failure.code,
    message: failure.message,
    assistant_message,
  };
}
