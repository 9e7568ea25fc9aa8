/**
 * The events of a conversation. Every change to a session is one event with a per-session, strictly increasing
 * sequence (`seq`), delivered live to every instance's subscribers and kept for a while for resuming (see bus.ts).
 * The types and their payloads are the catalogue's (catalogue.ts); this module holds the sequence rules.
 */
export {
  EPHEMERAL_EVENT_TYPES,
  SESSION_EVENT_TYPES,
  type EventData,
  type SessionEvent,
  type SessionEventBody,
  type SessionEventOf,
  type SessionEventType,
} from "./catalogue";
import type { EventData } from "./catalogue";

export type MessageDeltaData = EventData<"message.delta">;
export type TypingData = EventData<"typing">;

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
