import { metrics } from "../../observability/metrics";
import type { EventBus } from "./bus";
import { sequenceTime, type SessionEvent, type SessionEventBody } from "./event-types";

/** What a session looks like now, as events (e.g. message.updated per message changed since a time). */
export type SessionSnapshot = (sinceMs: number) => Promise<SessionEventBody[]>;

/** Followers open in this process (on globalThis: Next.js bundles each route separately). */
const globalStreams = globalThis as typeof globalThis & { __visitorChatEventStreams?: { open: number } };
const streams = (globalStreams.__visitorChatEventStreams ??= { open: 0 });

/** The event streams (SSE routes and tRPC subscriptions) this process serves now: for metrics. */
export function openEventStreams(): number {
  return streams.open;
}

/** Clocks of several instances differ a little: a snapshot looks this much further back. */
const SNAPSHOT_MARGIN_MS = 5_000;

export interface FollowOptions {
  bus: EventBus;
  sessionId: string;
  /** The last event the client has; undefined on a first connection. */
  lastEventId?: number;
  /** Used when the kept events cannot cover a resume (see ReplayResult.complete). */
  snapshot: SessionSnapshot;
  signal: AbortSignal;
}

/**
 * A session's events for one client, in order, with no gap and no duplicate:
 * - resuming (lastEventId): every kept event after it; if some may be gone, a snapshot of what changed since
 *   (the final messages) instead; then live events;
 * - first connection: the replies still being written, each from its start (so a reload mid-reply shows the
 *   whole reply and continues), then live events.
 * Subscribes before reading what is kept, so nothing published in between is lost. Ends when the signal aborts
 * or the session is forgotten (deleted).
 */
export async function* followSession(options: FollowOptions): AsyncGenerator<SessionEvent> {
  const { bus, sessionId, signal } = options;
  streams.open += 1;
  metrics.openStreams.inc();
  const queue: SessionEvent[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const unsubscribe = bus.subscribe(
    sessionId,
    (event) => {
      queue.push(event);
      notify();
    },
    () => {
      ended = true;
      notify();
    },
  );
  const onAbort = () => notify();
  signal.addEventListener("abort", onAbort);
  try {
    let last = 0;
    if (options.lastEventId === undefined) {
      const kept = await bus.replay(sessionId, 0);
      for (const event of inProgress(kept.events)) {
        yield event;
        last = event.seq;
      }
      // Live events only from here: those already kept and not in progress were decided before the client came.
      last = Math.max(last, kept.head);
    } else {
      const kept = await bus.replay(sessionId, options.lastEventId);
      last = options.lastEventId;
      if (!kept.complete) {
        const at = Math.max(kept.head, options.lastEventId);
        for (const body of await options.snapshot(sequenceTime(options.lastEventId) - SNAPSHOT_MARGIN_MS)) {
          yield { seq: at, session_id: sessionId, ...body } as SessionEvent;
        }
        last = at;
      }
      for (const event of kept.events) {
        if (event.seq <= last) continue;
        yield event;
        last = event.seq;
      }
    }
    while (!signal.aborted && !ended) {
      const event = queue.shift();
      if (event) {
        if (event.seq <= last) continue;
        last = event.seq;
        yield event;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    streams.open -= 1;
    metrics.openStreams.dec();
    signal.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}

interface MessageLike {
  id?: unknown;
  message_id?: unknown;
  status?: unknown;
}

/**
 * Of a session's kept events, those of the replies still being written: from the event that started each one
 * (message.created, or message.updated back to streaming for a retry) through its deltas, in order.
 */
export function inProgress(events: SessionEvent[]): SessionEvent[] {
  const open = new Map<string, SessionEvent[]>();
  for (const event of events) {
    const data = (event.data ?? {}) as MessageLike;
    if (event.type === "message.created" || event.type === "message.updated") {
      if (typeof data.id !== "string") continue;
      if (data.status === "streaming") open.set(data.id, [event]);
      else open.delete(data.id);
    } else if (event.type === "message.delta" && typeof data.message_id === "string") {
      open.get(data.message_id)?.push(event);
    }
  }
  return [...open.values()].flat().sort((a, b) => a.seq - b.seq);
}
