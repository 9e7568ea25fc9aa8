import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";
import type { AttachmentDto } from "~/server/chat/attachments/attachment.schema";
import type { MessageSource } from "~/server/chat/messages/message.schema";
import { isRetryableStatus, type MessageStatus } from "~/shared/message-status";
import type { Turn, TurnPhase } from "./chat-turn";

type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Message = RouterOutputs["messages"]["list"]["items"][number];
export type Session = RouterOutputs["sessions"]["list"]["items"][number];

/** Where a message stands before the server has stored it. */
type UnsentPhase = Extract<TurnPhase, "sending" | "waiting" | "rejected">;
const UNSENT_PHASES: ReadonlySet<TurnPhase> = new Set<UnsentPhase>(["sending", "waiting", "rejected"]);
function isUnsent(phase: TurnPhase): phase is UnsentPhase {
  return UNSENT_PHASES.has(phase);
}

/** What the message list shows. */
export interface ChatItem {
  key: string;
  role: "user" | "assistant" | "agent" | "system";
  /** A visible step (role system): which one, rendered in the visitor's language. */
  kind?: Message["kind"];
  /** The agent's name (role agent). */
  authorName?: string | null;
  content: string;
  /** The files the message carries. */
  attachments: AttachmentDto[];
  /** Help-article links shown under an assistant reply ([] if it is not grounded in them). */
  sources: MessageSource[];
  createdAt: string;
  /** The stored status, or where a message not yet stored stands. */
  state: MessageStatus | UnsentPhase;
  /** Text to send again for a message that was not sent (rejected); null otherwise. */
  retryText: string | null;
  /** The id of a failed or stopped reply, which retry regenerates in place. */
  retryReplyId: string | null;
  /** The pending turn this item belongs to, if any. */
  turnKey: string | null;
  error: string | null;
  /** The stored id of an assistant reply, once it is stored and finished (what feedback is given on); else null. */
  ratedId: string | null;
  /** The visitor's thumbs on this reply, as the server last returned it. */
  feedback: Message["feedback"];
}

/** Only a finished reply (complete, or stopped with its text kept) can be rated. */
const RATEABLE: ReadonlySet<string> = new Set(["complete", "stopped"]);

function fromServer(message: Message, previous: Message | undefined): ChatItem {
  return {
    key: message.id,
    role: message.role,
    kind: message.kind,
    authorName: message.author_name,
    content: message.content,
    attachments: message.attachments,
    sources: message.sources,
    createdAt: message.created_at,
    state: message.status,
    retryText: null,
    retryReplyId:
      message.role === "assistant" && isRetryableStatus(message.status) && previous?.role === "user"
        ? message.id
        : null,
    turnKey: null,
    error: null,
    ratedId: message.role === "assistant" && RATEABLE.has(message.status) ? message.id : null,
    feedback: message.feedback,
  };
}

/** How a turn's reply shows; in any other phase it is still being written. */
const REPLY_STATUS: Partial<Record<TurnPhase, MessageStatus>> = {
  done: "complete",
  failed: "failed",
  stopped: "stopped",
};

function assistantOf(turn: Turn): ChatItem {
  const state = REPLY_STATUS[turn.phase] ?? "streaming";
  return {
    key: turn.assistantId ?? `${turn.key}:assistant`,
    role: "assistant",
    content: turn.reply,
    attachments: [],
    sources: turn.sources,
    createdAt: turn.createdAt,
    state,
    retryText: null,
    retryReplyId: isRetryableStatus(state) && turn.assistantId ? turn.assistantId : null,
    turnKey: turn.key,
    error: turn.error,
    ratedId: RATEABLE.has(state) && turn.assistantId ? turn.assistantId : null,
    feedback: null,
  };
}

/** The server's messages with this page's pending turns laid over them (live text wins while it streams). */
export function mergeChatItems(server: readonly Message[], turns: readonly Turn[]): ChatItem[] {
  const items = server.map((message, index) => fromServer(message, server[index - 1]));
  const indexOf = new Map(items.map((item, index) => [item.key, index]));

  for (const turn of turns) {
    if (!turn.userId || !indexOf.has(turn.userId)) {
      items.push({
        key: turn.userId ?? `${turn.key}:user`,
        role: "user",
        content: turn.text,
        attachments: turn.attachments,
        sources: [],
        createdAt: turn.createdAt,
        state: isUnsent(turn.phase) ? turn.phase : "complete",
        retryText: turn.phase === "rejected" ? turn.text : null,
        retryReplyId: null,
        turnKey: turn.key,
        error: turn.phase === "rejected" ? turn.error : null,
        ratedId: null,
        feedback: null,
      });
    }
    if (turn.phase === "waiting" || turn.phase === "rejected" || turn.silent) continue;
    const at = turn.assistantId ? indexOf.get(turn.assistantId) : undefined;
    const live = turn.phase === "sending" || turn.phase === "streaming";
    const mine = turn.phase === "stopped" || turn.phase === "failed";
    if (at === undefined) items.push(assistantOf(turn));
    else if (live || mine) items[at] = assistantOf(turn);
    // done / interrupted and on the server: the server's copy is the truth.
  }
  return items;
}
