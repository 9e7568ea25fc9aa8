import { metrics } from "../../observability/metrics";
import type { EventBus, ReplayResult } from "./bus";
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
  /**
   * At most `maxPending` live events wait for the client: one more and the follower stops (its queue emptied,
   * its subscription ended) and `onOverflow` is told why; the client resumes from its last event by reconnecting.
   * Without it (the tRPC subscription, whose end would stop the widget following for good) nothing is dropped.
   */
  limit?: FollowLimit;
}

export interface FollowLimit {
  maxPending: number;
  onOverflow: (reason: string) => void;
}

/**
 * Live events one follower may hold for a client that does not read them (about half a minute of a reply being
 * written, ≈ 8 KB of references: the events themselves are shared by every follower of the session). Beyond it
 * the client is too slow and is dropped rather than buffered for without end.
 */
export const MAX_PENDING_EVENTS = 1_000;

/**
 * A session's events for one client, in order, with no gap and no duplicate:
 * - resuming (lastEventId): every kept event after it; if some may be gone, a snapshot of what changed since
 *   (the final messages) instead, its frames with distinct increasing ids (catchUpIds); then live events;
 * - a lastEventId ahead of the session's sequence and of the clock (isAhead): as a first connection ("from now");
 * - first connection: the replies still being written, each from its start (so a reload mid-reply shows the
 *   whole reply and continues), then live events.
 * Subscribed, and what is kept read, when this is called, not on the first read: a transport that calls it and
 * then tells its client the stream is open still delivers everything the client causes afterwards (a reply, a
 * rename) even if it starts reading later. Nothing published between the subscription and the kept read is lost
 * (delivered once, by sequence). Ends when the signal aborts (read or not: the subscription is let go at once)
 * or the session is forgotten (deleted).
 */
export function followSession(options: FollowOptions): AsyncGenerator<SessionEvent> {
  const { bus, sessionId, signal } = options;
  streams.open += 1;
  metrics.openStreams.inc();
  const maxPending = options.limit?.maxPending ?? Number.POSITIVE_INFINITY;
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
      if (ended) return;
      queue.push(event);
      if (queue.length > maxPending) {
        // Too slow a reader: nothing more is held for it.
        ended = true;
        queue.length = 0;
        unsubscribe();
        options.limit?.onOverflow(
          `the client did not read ${maxPending} events in time; reconnect with Last-Event-ID to resume`,
        );
      }
      notify();
    },
    () => {
      ended = true;
      notify();
    },
  );
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    streams.open -= 1;
    metrics.openStreams.dec();
    signal.removeEventListener("abort", onAbort);
    unsubscribe();
    queue.length = 0;
  };
  function onAbort() {
    close();
    notify();
  }
  signal.addEventListener("abort", onAbort);
  const resume = options.lastEventId;
  // Read now, right after subscribing: what is kept up to here, the live events from here.
  const firstReplay = bus.replay(sessionId, resume ?? 0);
  // A stream aborted before its first read never awaits it: its failure is not unhandled.
  firstReplay.catch(() => undefined);
  if (signal.aborted) close();

  async function* read(): AsyncGenerator<SessionEvent> {
    try {
      let last = 0;
      let kept = await firstReplay;
      const fromNow = resume !== undefined && isAhead(resume, kept.head);
      if (fromNow) kept = await bus.replay(sessionId, 0);
      if (resume === undefined || fromNow) {
        for (const event of inProgress(kept.events)) {
          yield event;
          last = event.seq;
        }
        // Live events only from here: those already kept and not in progress were decided before the client came.
        last = Math.max(last, kept.head);
      } else {
        last = resume;
        if (!kept.complete) {
          const bodies = await options.snapshot(sequenceTime(resume) - SNAPSHOT_MARGIN_MS);
          const ids = catchUpIds(resume, bodies.length, kept);
          for (const [index, body] of bodies.entries()) {
            yield { seq: ids[index]!, session_id: sessionId, ...body } as SessionEvent;
          }
          last = Math.max(kept.head, ids.at(-1) ?? resume);
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
      close();
    }
  }
  return read();
}

/**
 * A Last-Event-ID further ahead than this of both the session's sequence and this instance's clock is no id the
 * bus gave (a client's own value, or a clock far off): the stream starts "from now", as a first connection.
 */
const AHEAD_MARGIN_MS = 60_000;

function isAhead(lastEventId: number, head: number): boolean {
  return lastEventId > head && lastEventId > (Date.now() + AHEAD_MARGIN_MS) * 1000;
}

/**
 * The ids of a catch-up's `count` frames (a resume from `after`, older than what is kept): distinct and increasing,
 * each one resumable. Every frame but the last gets `after + k` (k = 1, 2, …), which is below the kept floor, so a
 * resume from it is again older than what is kept and gets a catch-up again, from the same time (the same
 * millisecond, for catch-ups of up to ~1,000 frames): the frames after it are in it, the ones before at most
 * repeated (full states, as the margin of every catch-up repeats some). The last frame gets the session's head (or
 * `after + count` if that is higher), so a resume from it continues with the kept and the live events. Only if
 * the kept floor leaves no room below it (a burst of events trimmed right after `after`) do the frames beyond
 * the room share the last frame's id.
 */
export function catchUpIds(
  after: number,
  count: number,
  kept: Pick<ReplayResult, "head" | "floor">,
): number[] {
  const end = Math.max(kept.head, after + count);
  const floor = kept.floor ?? Number.POSITIVE_INFINITY;
  return Array.from({ length: count }, (_, index) => {
    const id = after + index + 1;
    return index === count - 1 || id >= floor ? end : id;
  });
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
