import type { AttachmentDto } from "~/server/chat/attachments/attachment.schema";
import type { MessageSource } from "~/server/chat/messages/message.schema";
import type { MessageStatus } from "~/shared/message-status";

/**
 * A message being sent from this page, from the moment Enter is pressed until the server's list has it.
 * phase: sending (request on its way) → streaming → done | failed (the assistant failed) | stopped (the
 * visitor stopped it) | interrupted (connection lost mid-reply; the server finishes and stores it).
 * Before the server has the message: waiting (network down or 5xx, retried automatically) or rejected (4xx).
 */
export interface Turn {
  key: string;
  sessionId: string | null;
  text: string;
  createdAt: string;
  userId: string | null;
  assistantId: string | null;
  reply: string;
  /** The help-article passages the reply is grounded in (from the done event). */
  sources: MessageSource[];
  phase: TurnPhase;
  error: string | null;
  /** How many automatic retries of this send have been scheduled (the back-off grows with it). */
  attempt: number;
  /** Set when this turn regenerates an existing failed or stopped reply (messages.retryStream). */
  retryOf: string | null;
  /** Files uploaded beforehand, sent with the message (attachment_ids). */
  attachments: AttachmentDto[];
  /** The server stored the message with no reply: a person answers this conversation (mode waiting/agent). */
  silent?: boolean;
}

export type TurnPhase =
  "sending" | "waiting" | "rejected" | "streaming" | "done" | "failed" | "stopped" | "interrupted";

/** The phases in which a request is on its way or will be sent again by itself. */
export const IN_FLIGHT_PHASES: ReadonlySet<TurnPhase> = new Set<TurnPhase>([
  "sending",
  "waiting",
  "streaming",
]);

export interface ChatTurnState {
  turns: Turn[];
  /** The latest line for screen readers (a new reply, or a failure). */
  announcement: string;
}

export const initialChatTurnState: ChatTurnState = { turns: [], announcement: "" };

/** What happens to the turns; every event but sent and retried names its turn by key. */
export type ChatTurnEvent =
  /** The visitor sent a message (a turn from newTurn). */
  | { type: "sent"; turn: Turn }
  /**
   * The visitor asked for a failed or stopped reply to be regenerated (a turn from regenerationTurn); it
   * replaces the earlier attempt of the same reply.
   */
  | { type: "retried"; turn: Turn }
  /** A message the server refused is sent again as it was (the automatic back-off starts over). */
  | { type: "resent"; key: string }
  /** A request for the turn goes out (the first one, an automatic retry, or "Retry now"). */
  | { type: "sending"; key: string }
  /** The conversation the turn was sent without was created. */
  | { type: "sessionCreated"; key: string; sessionId: string }
  /** The server stored the message and started the reply. */
  /** assistantId null: no reply comes (a person answers this conversation). */
  | { type: "started"; key: string; userId: string; assistantId: string | null; createdAt: string }
  | { type: "delta"; key: string; text: string }
  /** The reply ended; stored as complete, or as stopped when the visitor stopped it. */
  | { type: "done"; key: string; content: string; status: MessageStatus; sources?: MessageSource[] }
  /** The assistant failed; content is what it had written; code is the server's (e.g. REPLY_FAILED). */
  | { type: "failed"; key: string; content: string; message: string; code?: string }
  /** The visitor stopped the reply after it started. */
  | { type: "stopped"; key: string }
  /** The connection was lost mid-reply: the server finishes and stores it. */
  | { type: "interrupted"; key: string }
  /** A transient failure before the server had the message: it is sent again after a back-off. */
  | { type: "waiting"; key: string }
  /** The server refused the message (4xx). */
  | { type: "rejected"; key: string; error: string }
  /** A send that never reached the server is taken back (its text goes back into the composer). */
  | { type: "withdrawn"; key: string };

/** A message the visitor sends now. */
export function newTurn(
  key: string,
  sessionId: string | null,
  text: string,
  createdAt: string,
  attachments: AttachmentDto[] = [],
): Turn {
  return {
    key,
    sessionId,
    text,
    attachments,
    createdAt,
    userId: null,
    assistantId: null,
    reply: "",
    sources: [],
    phase: "sending",
    error: null,
    attempt: 0,
    retryOf: null,
  };
}

/** A failed or stopped reply regenerated in place (messages.retryStream); it keeps the reply's id. */
export function regenerationTurn(
  key: string,
  sessionId: string | null,
  replyId: string,
  createdAt: string,
): Turn {
  return { ...newTurn(key, sessionId, "", createdAt), assistantId: replyId, retryOf: replyId };
}

function patch(
  state: ChatTurnState,
  key: string,
  change: Partial<Turn> | ((turn: Turn) => Partial<Turn>),
): ChatTurnState {
  if (!state.turns.some((turn) => turn.key === key)) return state;
  return {
    ...state,
    turns: state.turns.map((turn) =>
      turn.key === key ? { ...turn, ...(typeof change === "function" ? change(turn) : change) } : turn,
    ),
  };
}

/** The lines read to screen readers, in the visitor's language (Widget.messages.newReply …). */
export interface Announcements {
  newReply: (text: string) => string;
  replyFailed: (message: string) => string;
}

/** The reducer of the turns, announcing in the visitor's language. */
export function createChatTurnReducer(say: Announcements) {
  return (state: ChatTurnState, event: ChatTurnEvent): ChatTurnState => chatTurnReducer(state, event, say);
}

function chatTurnReducer(state: ChatTurnState, event: ChatTurnEvent, say: Announcements): ChatTurnState {
  switch (event.type) {
    case "sent":
      return { ...state, turns: [...state.turns, event.turn] };
    case "retried": {
      // The regenerated reply replaces the earlier attempt of the same reply on screen.
      const replyId = event.turn.retryOf;
      return { ...state, turns: [...state.turns.filter((t) => t.assistantId !== replyId), event.turn] };
    }
    case "resent":
      return patch(state, event.key, { phase: "sending", error: null, attempt: 0 });
    case "sending":
      return patch(state, event.key, { phase: "sending", error: null });
    case "sessionCreated":
      return patch(state, event.key, { sessionId: event.sessionId });
    case "started":
      if (event.assistantId === null) {
        return patch(state, event.key, {
          phase: "done",
          silent: true,
          userId: event.userId,
          createdAt: event.createdAt,
        });
      }
      return patch(state, event.key, {
        phase: "streaming",
        userId: event.userId,
        assistantId: event.assistantId,
        createdAt: event.createdAt,
      });
    case "delta":
      return patch(state, event.key, (turn) => ({ reply: turn.reply + event.text }));
    case "done": {
      const phase = event.status === "stopped" ? "stopped" : "done";
      const next = patch(state, event.key, {
        phase,
        reply: event.content,
        sources: event.sources ?? [],
      });
      return { ...next, announcement: say.newReply(event.content.slice(0, 400)) };
    }
    case "failed": {
      const next = patch(state, event.key, { phase: "failed", reply: event.content, error: event.message });
      return { ...next, announcement: say.replyFailed(event.message) };
    }
    case "stopped":
      return patch(state, event.key, { phase: "stopped" });
    case "interrupted":
      return patch(state, event.key, { phase: "interrupted" });
    case "waiting":
      return patch(state, event.key, (turn) => ({ phase: "waiting", attempt: turn.attempt + 1 }));
    case "rejected":
      return patch(state, event.key, { phase: "rejected", error: event.error });
    case "withdrawn":
      return { ...state, turns: state.turns.filter((turn) => turn.key !== event.key) };
  }
}

/** The events of messages.chatStream / retryStream, as far as the widget reads them. */
export type StreamEvent =
  | {
      type: "start";
      user_message: { id: string; created_at: string };
      assistant_message: { id: string } | null;
    }
  | { type: "delta"; text: string }
  | {
      type: "done";
      assistant_message: { content: string; status: MessageStatus; sources?: MessageSource[] };
    }
  | { type: "error"; code?: string; message: string; assistant_message: { content: string } };

/** The turn event that one event of the reply stream amounts to. */
export function fromStreamEvent(key: string, event: StreamEvent): ChatTurnEvent {
  switch (event.type) {
    case "start":
      return {
        type: "started",
        key,
        userId: event.user_message.id,
        assistantId: event.assistant_message?.id ?? null,
        createdAt: event.user_message.created_at,
      };
    case "delta":
      return { type: "delta", key, text: event.text };
    case "done":
      return {
        type: "done",
        key,
        content: event.assistant_message.content,
        status: event.assistant_message.status,
        sources: event.assistant_message.sources ?? [],
      };
    case "error":
      return {
        type: "failed",
        key,
        content: event.assistant_message.content,
        message: event.message,
        ...(event.code !== undefined && { code: event.code }),
      };
  }
}

/**
 * How a request that ended without a reply event (thrown, or aborted) leaves its turn: a stop before the
 * server took the message gives it back; a transient failure before that waits and retries; a refusal is
 * shown; a connection cut mid-reply leaves the rest to the server.
 */
export function endedWithoutReply(
  key: string,
  outcome: { aborted: boolean; started: boolean; transient: boolean; message: string },
): ChatTurnEvent {
  if (outcome.aborted) return outcome.started ? { type: "stopped", key } : { type: "withdrawn", key };
  if (outcome.started) return { type: "interrupted", key };
  return outcome.transient ? { type: "waiting", key } : { type: "rejected", key, error: outcome.message };
}

export function turnsOf(state: ChatTurnState, sessionId: string | null): Turn[] {
  return state.turns.filter((turn) => turn.sessionId === sessionId);
}

/** A request of this conversation is on its way: the composer offers Stop. */
export function isBusy(state: ChatTurnState, sessionId: string | null): boolean {
  return state.turns.some((turn) => turn.sessionId === sessionId && IN_FLIGHT_PHASES.has(turn.phase));
}

/** Some send waits for the connection (the connection notice shows). */
export function isWaiting(state: ChatTurnState): boolean {
  return state.turns.some((turn) => turn.phase === "waiting");
}

/**
 * What the Retry button of a message does: a message the server refused is sent again as it was; a failed
 * or stopped reply is regenerated in place; anything else has no retry.
 */
export function retryActionFor(
  state: ChatTurnState,
  item: { turnKey: string | null; retryReplyId: string | null },
): { type: "resend"; turn: Turn } | { type: "regenerate"; replyId: string } | null {
  const turn = item.turnKey ? state.turns.find((t) => t.key === item.turnKey) : undefined;
  if (turn?.phase === "rejected") return { type: "resend", turn };
  if (item.retryReplyId) return { type: "regenerate", replyId: item.retryReplyId };
  return null;
}
