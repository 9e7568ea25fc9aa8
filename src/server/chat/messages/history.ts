import type { ChatDeps } from "../deps";
import { completeTurns } from "../hot-sql";
import { LIMITS } from "../limits";
import type { Keyset } from "../pagination";
import type { ChatTurn } from "../responder/responder";

/**
 * The session's complete turns before `before` (oldest first), as the responder's history. With `ownerId`: only
 * while the session is that visitor's and the bot answers it (the fast path of openChat), else none.
 */
export async function historyBefore(
  deps: ChatDeps,
  sessionId: string,
  before?: Keyset,
  ownerId?: string,
): Promise<ChatTurn[]> {
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
