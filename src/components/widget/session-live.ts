import type { SessionEventBody } from "~/server/chat/events/catalogue";
import type { Message } from "./chat-items";

/**
 * The open conversation as its event stream (sessions.events) tells it, laid over the message list that was
 * loaded: each message the stream spoke of, with its text as the stream built it. The stream is authoritative
 * for those (a first connection sends each reply still being written from its start, a resume the events after
 * the last one received), so the order in which the list loads and the events arrive does not matter.
 */
export interface LiveMessages {
  sessionId: string | null;
  /** By message id, in the order first seen. */
  byId: ReadonlyMap<string, Message>;
}

export const emptyLive = (sessionId: string | null): LiveMessages => ({ sessionId, byId: new Map() });

/**
 * One event of the stream, as tracked() data: `{ type, data }`, typed by the event catalogue (one variant per
 * type: narrowing on `type` gives its `data`).
 */
export type LiveEvent = SessionEventBody;

/** The state after one event (the same object when the event changes nothing shown here). */
export function applyLiveEvent(live: LiveMessages, event: LiveEvent): LiveMessages {
  switch (event.type) {
    case "message.created":
    case "message.updated": {
      const byId = new Map(live.byId);
      byId.set(event.data.id, event.data);
      return { ...live, byId };
    }
    case "message.delta": {
      const { message_id: id, text } = event.data;
      const message = live.byId.get(id);
      // A delta of a reply not seen from its start (or already ended) is not ours to build on.
      if (!message || message.status !== "streaming") return live;
      const byId = new Map(live.byId);
      byId.set(id, { ...message, content: message.content + text });
      return { ...live, byId };
    }
    default:
      return live;
  }
}

/** The loaded list with the live messages laid over it; live messages not in it follow, oldest first. */
export function overlayLive(list: readonly Message[], live: LiveMessages): Message[] {
  const listed = new Set(list.map((message) => message.id));
  const newer = [...live.byId.values()]
    .filter((message) => !listed.has(message.id))
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  return [...list.map((message) => live.byId.get(message.id) ?? message), ...newer];
}
