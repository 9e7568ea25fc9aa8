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
  return (await historyWithLocale(deps, sessionId, before, ownerId)).history;
}

/**
 * historyBefore, and with `ownerId` the session's locale read in the same query (undefined when there are no
 * turns or without `ownerId`).
 */
export async function historyWithLocale(
  deps: ChatDeps,
  sessionId: string,
  before?: Keyset,
  ownerId?: string,
): Promise<{ history: ChatTurn[]; locale?: string | null }> {
  const earlier = await completeTurns(deps.db, {
    sessionId,
    ownerId,
    before,
    limit: LIMITS.historyMaxMessages,
  });
  // An agent's words are the assistant's side of the conversation for the responder.
  const history = earlier.reverse().map((turn) => ({
    role: turn.role === "user" ? ("user" as const) : ("assistant" as const),
    content: turn.content,
  }));
  return { history, locale: earlier[0]?.locale };
}
