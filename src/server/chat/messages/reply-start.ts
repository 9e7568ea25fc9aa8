import type { ChatDeps } from "../deps";
import { publishEvent } from "../events/publish";
import { requestHandoffFor } from "../handoff/handoff.service";
import { logError } from "../../observability/logger";
import type { ChatTurn } from "../responder/responder";
import type { MessageDto } from "./message.schema";
import { startReplyRun, type ReplyRun, type ReplyRunListener } from "./reply-run";

/**
 * A reply's listener: each delta published live as produced (the message as it ended is announced by its final
 * save, saveReply in message-writer.ts). A reply whose responder asked for a person (the LLM's handoff tool) hands
 * the conversation over once it is stored.
 */
function replyEvents(deps: ChatDeps, reply: MessageDto): ReplyRunListener {
  const sessionId = reply.session_id;
  return {
    delta: (text) => publishEvent(deps.events, sessionId, "message.delta", { message_id: reply.id, text }),
    stored: ({ status, handoff }) => {
      if (handoff && status === "complete") void handOverForAssistant(deps, sessionId);
    },
  };
}

/** The assistant decided the visitor needs a person: the same request as the visitor's own. Never throws. */
async function handOverForAssistant(deps: ChatDeps, sessionId: string): Promise<void> {
  try {
    const session = await deps.db.session.findUnique({ where: { id: sessionId } });
    if (session) await requestHandoffFor(deps, session);
  } catch (error) {
    logError("chat: could not hand the session over to a person", error, { sessionId });
  }
}

/**
 * Starts writing an assistant reply (new, or retried in place) with the app's responder: `reply` as it stands
 * (status streaming), `savedAt` the saved_at the run took it with, `history` and `message` what it answers.
 */
export function startReply(
  deps: ChatDeps,
  args: {
    reply: MessageDto;
    savedAt: Date;
    history: ChatTurn[];
    message: string;
    /** The session's locale: the language of built-in replies (ResponderInput.locale). */
    locale: string | null;
  },
): ReplyRun {
  return startReplyRun({
    deps,
    responder: deps.responder,
    reply: args.reply,
    savedAt: args.savedAt,
    timings: deps.config.replyTimings,
    history: args.history,
    message: args.message,
    locale: args.locale,
    listener: replyEvents(deps, args.reply),
  });
}
