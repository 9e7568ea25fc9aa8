import type { ChatDeps } from "../deps";
import type { SessionEvent } from "../events/event-types";
import { followSession, type FollowLimit, type SessionSnapshot } from "../events/follow-session";
import type { SessionEventsInput } from "../sessions/session.schema";
import { findOwnedSession, toSessionDto } from "../sessions/sessions.service";
import { toMessageDto } from "./message-dto";

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
 * (see followSession), until `signal` aborts, the session is deleted or the client falls `limit.maxPending`
 * events behind (`limit.onOverflow` is told). Ownership is checked first, so a refusal
 * is an ordinary error before any event.
 */
export async function followSessionEvents(
  deps: ChatDeps,
  input: SessionEventsInput,
  signal: AbortSignal,
  limit?: FollowLimit,
): Promise<AsyncGenerator<SessionEvent>> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  return followSession({
    bus: deps.events,
    sessionId: session.id,
    lastEventId: input.lastEventId ? Number(input.lastEventId) : undefined,
    snapshot: sessionSnapshot(deps, session.id),
    signal,
    limit,
  });
}
