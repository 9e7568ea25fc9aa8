import type { ChatDeps } from "../deps";
import type { SessionEvent } from "../events/event-types";
import { followSession, type FollowLimit, type SessionSnapshot } from "../events/follow-session";
import type { SessionEventsInput } from "../sessions/session.schema";
import { findOwnedSession, toSessionDto } from "../sessions/sessions.service";
import { toMessageDto } from "./message-dto";
import { holdLive, markLive } from "./live-followers";

/** The session's events, while its visitor counts as following live (for email continuity): released at the end. */
async function* followedLive(
  events: AsyncGenerator<SessionEvent>,
  release: () => Promise<void>,
): AsyncGenerator<SessionEvent> {
  try {
    yield* events;
  } finally {
    await events.return(undefined);
    await release();
  }
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
 * (see followSession), until `signal` aborts, the session is deleted or the client falls `limit.maxPending`
 * events behind (`limit.onOverflow` is told). Ownership is checked first, so a refusal is an ordinary error
 * before any event. While it is open the session records that its visitor follows live (`visitor_live_until`):
 * an agent's messages then reach them here, not by email.
 */
export async function followSessionEvents(
  deps: ChatDeps,
  input: SessionEventsInput,
  signal: AbortSignal,
  limit?: FollowLimit,
): Promise<AsyncGenerator<SessionEvent>> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  await markLive(deps, session.id);
  // Released when the stream ends, or when it is dropped before it was ever read.
  const release = holdLive(deps, session.id);
  signal.addEventListener("abort", () => void release(), { once: true });
  const events = followSession({
    bus: deps.events,
    sessionId: session.id,
    lastEventId: input.lastEventId ? Number(input.lastEventId) : undefined,
    snapshot: sessionSnapshot(deps, session.id),
    signal,
    limit,
  });
  return followedLive(events, release);
}
