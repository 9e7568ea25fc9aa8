/**
 * The events of a conversation. Every change to a session is one event with a per-session, strictly increasing
 * sequence (`seq`), delivered live to every instance's subscribers and kept for a while for resuming (see bus.ts).
 * The payloads are the DTOs of the entities (built by the entity services that publish them); this module sits
 * below them and knows them only as JSON.
 */
export const SESSION_EVENT_TYPES = [
  "message.created",
  "message.delta",
  "message.updated",
  "session.updated",
  "typing",
] as const;
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];

/** `typing` is delivered live only: never kept for replay. */
export const EPHEMERAL_EVENT_TYPES: ReadonlySet<SessionEventType> = new Set(["typing"]);

export interface SessionEvent {
  /** Strictly increasing per session; not contiguous (see nextSequence). */
  seq: number;
  session_id: string;
  type: SessionEventType;
  /** `message.created`/`message.updated`: the message DTO; `message.delta`: { message_id, text }; `session.updated`:
   * the session DTO; `typing`: { role, active }. */
  data: unknown;
}

export interface MessageDeltaData {
  message_id: string;
  text: string;
}

export interface TypingData {
  role: "visitor" | "agent";
  active: boolean;
}

/**
 * The next sequence of a session: one more than the last, but never below the current time in microseconds. So a
 * sequence stays increasing across restarts and after the kept events expired (the counter starts again from the
 * clock), and a sequence tells roughly when its event happened (`sequenceTime`), which lets a client that resumes
 * from an id older than what is kept get a snapshot of what changed since.
 */
export function nextSequence(last: number, nowMs: number): number {
  return Math.max(last + 1, Math.floor(nowMs) * 1000);
}

/** The time (ms since the epoch) at or after which the event with this sequence was published. */
export function sequenceTime(seq: number): number {
  return Math.floor(seq / 1000);
}

/** Parses a client's last event id (Last-Event-ID / last_event_id / tRPC's lastEventId); undefined if absent/bad. */
export function parseEventId(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,16}$/.test(trimmed)) return undefined;
  const seq = Number(trimmed);
  return Number.isSafeInteger(seq) ? seq : undefined;
}
