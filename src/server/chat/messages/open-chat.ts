import type { ChatDeps } from "../deps";
import { botAnswers } from "../handoff/handoff-rules";
import { transitionSession } from "../handoff/handoff.service";
import { isUuid } from "../ids";
import type { ChatTurn } from "../responder/responder";
import { findOwnedSession, type SessionRow } from "../sessions/sessions.service";
import { requireMayWrite } from "../visitors/identify-visitor";
import { historyBefore, historyWithLocale } from "./history";
import type { ChatInput, MessageDto } from "./message.schema";
import { storeMessages } from "./message-writer";
import type { ReplyRun } from "./reply-run";
import { startReply } from "./reply-start";
import { attachableAttachments } from "../attachments/message-attachments";
import { withAttachmentMentions } from "./attachment-mentions";

export interface StartedReply {
  userMessage: MessageDto;
  assistantMessage: MessageDto;
  run: ReplyRun;
}

/** A chat in waiting or agent mode stores the visitor's message only: a person answers, the assistant is silent. */
export type StartedChat = StartedReply | { userMessage: MessageDto; assistantMessage: null; run: null };

/**
 * openChat for callers that need the reply (tests, benches): a session in waiting or agent mode is a fault
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
  const { session, history, stored, locale } = await ownedSessionWithHistory(deps, input);
  await requireMayWrite(deps, session.visitor_id);
  // `stored` is read only off the common path (a bot session with history is known to be in bot mode).
  const current =
    stored?.mode === "closed"
      ? await transitionSession(deps, stored.id, { kind: "visitor_message" }, stored)
      : stored;
  const untitled = current && current.title === null ? current : undefined;
  const attachments = await attachableAttachments(deps.db, session.id, "visitor", input.attachment_ids);
  const visitorMessage = { role: "user" as const, content: input.message, attachments };
  if (!botAnswers(current?.mode ?? "bot")) {
    const [userMessage] = await storeMessages(deps, { session, messages: [visitorMessage], untitled });
    return { userMessage: userMessage!, assistantMessage: null, run: null };
  }
  // The question and the reply (empty, streaming) in one transaction; the reply is written by its run.
  const [userMessage, assistantMessage] = await storeMessages(deps, {
    session,
    messages: [visitorMessage, { role: "assistant" }],
    untitled,
  });
  const run = startReply(deps, {
    reply: assistantMessage!,
    savedAt: new Date(assistantMessage!.created_at),
    history,
    message: withAttachmentMentions(input.message, attachments),
    locale,
  });
  return { userMessage: userMessage!, assistantMessage: assistantMessage!, run };
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
  history: ChatTurn[];
  stored?: SessionRow;
  locale: string | null;
}> {
  if (isUuid(input.session_id) && isUuid(input.visitor_id)) {
    const { history, locale } = await historyWithLocale(deps, input.session_id, undefined, input.visitor_id);
    if (history.length > 0)
      return {
        session: { id: input.session_id, visitor_id: input.visitor_id },
        history,
        locale: locale ?? null,
      };
  }
  const session = await findOwnedSession(deps.db, input.session_id, input.visitor_id);
  return {
    session,
    history: await historyBefore(deps, session.id),
    stored: session,
    locale: session.locale,
  };
}
