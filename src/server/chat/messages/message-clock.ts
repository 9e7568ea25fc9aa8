/**
 * The creation times of a chat's two messages: the visitor's, and the reply's one millisecond later, so (created_at,
 * id) order always puts the reply after the question. Within a session they also come after the times this
 * process gave its previous chat: a chat that completes within a millisecond (an instant responder) would
 * otherwise give its reply the same time as the next question, and their order would follow the random ids.
 */
const SESSIONS_MAX = 10_000;
/** Session id → the last creation time this process gave one of its messages. Bounded: cleared when full. */
const lastIssued = new Map<string, number>();

export function chatMessageTimes(
  sessionId: string,
  now: Date = new Date(),
): { userAt: Date; assistantAt: Date } {
  const previous = lastIssued.get(sessionId);
  const userAt = previous === undefined ? now.getTime() : Math.max(now.getTime(), previous + 1);
  if (lastIssued.size >= SESSIONS_MAX) lastIssued.clear();
  lastIssued.set(sessionId, userAt + 1);
  return { userAt: new Date(userAt), assistantAt: new Date(userAt + 1) };
}
