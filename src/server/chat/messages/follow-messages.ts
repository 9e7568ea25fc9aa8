import type { ChatDeps } from "../deps";
import type { SessionEvent } from "../events/event-types";
import { followSession, type FollowLimit, type SessionSnapshot } from "../events/follow-session";
import type { SessionEventsInput } from "../sessions/session.schema";
import { findOwnedSession, toSessionDto } from "../sessions/sessions.service";
import { toMessageDto } from "./message-dto";
import { logError } from "../../observability/logger";

/**
 * A visitor's open event stream says "following live" ahead by this much, renewed every VISITOR_LIVE_RENEW_MS:
 * a stream that dies without closing stops counting within it (src/server/chat/email/continuity.ts).
 */
export const VISITOR_LIVE_LEASE_MS = 45_000;
const VISITOR_LIVE_RENEW_MS = 15_000;

async function markLiveUntil(deps: ChatDeps, sessionId: string, until: Date): Promise<void> {
  try {
    await deps.db.session.updateMany({ where: { id: sessionId }, data: { visitor_live_until: until } });
  } catch (error) {
    logError("follow: could not record the visitor following live", error, { session_id: sessionId });
  }
}

/** The session's events, while recording that its visitor follows live (for email continuity). */
async function* followedLive(
  deps: ChatDeps,
  sessionId: string,
  events: AsyncGenerator<SessionEvent>,
): AsyncGenerator<SessionEvent> {
  const renew = setInterval(
    () => void markLiveUntil(deps, sessionId, new Date(Date.now() + VISITOR_LIVE_LEASE_MS)),
    VISITOR_LIVE_RENEW_MS,
  );
  renew.unref();
  try {
    yield* events;
  } finally {
    clearInterval(renew);
    await events.return(undefined);
    // Closed: the visitor followed until now.
    await markLiveUntil(deps, sessionId, new Date());
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
  await markLiveUntil(deps, session.id, new Date(Date.now() + VISITOR_LIVE_LEASE_MS));
  const events = followSession({
    bus: deps.events,
    sessionId: session.id,
    lastEventId: input.lastEventId ? Number(input.lastEventId) : undefined,
    snapshot: sessionSnapshot(deps, session.id),
    signal,
    limit,
  });
  return followedLive(deps, session.id, events);
}
