import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Message = RouterOutputs["messages"]["list"]["items"][number];
export type Session = RouterOutputs["sessions"]["list"]["items"][number];

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
  phase: "sending" | "waiting" | "rejected" | "streaming" | "done" | "failed" | "stopped" | "interrupted";
  error: string | null;
  attempt: number;
  /** Set when this turn regenerates an existing failed or stopped reply (messages.retryStream). */
  retryOf: string | null;
}

/** What the message list shows. */
export interface ChatItem {
  key: string;
  role: "user" | "assistant";
  content: string;
  createdAt: string;
  state: "complete" | "streaming" | "failed" | "stopped" | "sending" | "waiting" | "rejected";
  /** Text to send again for a message that was not sent (rejected); null otherwise. */
  retryText: string | null;
  /** The id of a failed or stopped reply, which retry regenerates in place. */
  retryReplyId: string | null;
  /** The pending turn this item belongs to, if any. */
  turnKey: string | null;
  error: string | null;
}

function fromServer(message: Message, previous: Message | undefined): ChatItem {
  return {
    key: message.id,
    role: message.role,
    content: message.content,
    createdAt: message.created_at,
    state: message.status,
    retryText: null,
    retryReplyId:
      message.role === "assistant" &&
      (message.status === "failed" || message.status === "stopped") &&
      previous?.role === "user"
        ? message.id
        : null,
    turnKey: null,
    error: null,
  };
}

function assistantOf(turn: Turn): ChatItem {
  const state: ChatItem["state"] =
    turn.phase === "failed"
      ? "failed"
      : turn.phase === "stopped"
        ? "stopped"
        : turn.phase === "done"
          ? "complete"
          : "streaming";
  return {
    key: turn.assistantId ?? `${turn.key}:assistant`,
    role: "assistant",
    content: turn.reply,
    createdAt: turn.createdAt,
    state,
    retryText: null,
    retryReplyId: (state === "failed" || state === "stopped") && turn.assistantId ? turn.assistantId : null,
    turnKey: turn.key,
    error: turn.error,
  };
}

/** The server's messages with this page's pending turns laid over them (live text wins while it streams). */
export function mergeChatItems(server: readonly Message[], turns: readonly Turn[]): ChatItem[] {
  const items = server.map((message, index) => fromServer(message, server[index - 1]));
  const indexOf = new Map(items.map((item, index) => [item.key, index]));

  for (const turn of turns) {
    if (!turn.userId || !indexOf.has(turn.userId)) {
      const unsent = turn.phase === "sending" || turn.phase === "waiting" || turn.phase === "rejected";
      items.push({
        key: turn.userId ?? `${turn.key}:user`,
        role: "user",
        content: turn.text,
        createdAt: turn.createdAt,
        state: unsent ? (turn.phase as ChatItem["state"]) : "complete",
        retryText: turn.phase === "rejected" ? turn.text : null,
        retryReplyId: null,
        turnKey: turn.key,
        error: turn.phase === "rejected" ? turn.error : null,
      });
    }
    if (turn.phase === "waiting" || turn.phase === "rejected") continue;
    const at = turn.assistantId ? indexOf.get(turn.assistantId) : undefined;
    const live = turn.phase === "sending" || turn.phase === "streaming";
    const mine = turn.phase === "stopped" || turn.phase === "failed";
    if (at === undefined) items.push(assistantOf(turn));
    else if (live || mine) items[at] = assistantOf(turn);
    // done / interrupted and on the server: the server's copy is the truth.
  }
  return items;
}
