import { traceEvent } from "../chat/events/trace";
import { logError, logger } from "../observability/logger";

/**
 * The one Server-Sent Events response of the REST-only streams (the streamed chat, a session's events, the admin
 * stream): framing, `id:` lines, the heartbeat, the headers, and the clean-up when the client goes away.
 */

/** A comment line at least this often, so proxies and clients see an idle stream is alive. */
export const HEARTBEAT_MS = 15_000;

/** One frame: `id:` (optional: the client's Last-Event-ID), `event:` its type, `data:` the JSON of `data`. */
export interface SseFrame {
  id?: string | number;
  event: string;
  data: unknown;
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

const encoder = new TextEncoder();
const CONNECTED = encoder.encode(": connected\n\n");
const HEARTBEAT = encoder.encode(": heartbeat\n\n");

/**
 * The heartbeat of every live stream of the process: one timer (not one per stream), running while a stream is
 * open. The streams are spread over HEARTBEAT_SLOTS slots and the timer beats one slot per tick, so 10,000 open
 * streams cost 10,000 / HEARTBEAT_SLOTS small writes a second rather than 10,000 at once every HEARTBEAT_MS
 * (a burst that would hold up the events of every stream behind it). On globalThis: Next.js bundles each route
 * separately.
 */
const HEARTBEAT_SLOTS = 15;
interface Heartbeats {
  slots: Set<() => void>[];
  count: number;
  tick: number;
  timer?: ReturnType<typeof setInterval>;
}
const heartbeats = ((
  globalThis as typeof globalThis & { __visitorChatHeartbeats?: Heartbeats }
).__visitorChatHeartbeats ??= {
  slots: Array.from({ length: HEARTBEAT_SLOTS }, () => new Set<() => void>()),
  count: 0,
  tick: 0,
});

/** Adds a stream's beat to the shared heartbeat; the answer removes it (the timer stops with the last one). */
export function onHeartbeat(beat: () => void): () => void {
  // The emptiest slot: each beats every HEARTBEAT_MS, the slots in turn.
  const slot = heartbeats.slots.reduce((least, each) => (each.size < least.size ? each : least));
  slot.add(beat);
  heartbeats.count += 1;
  if (!heartbeats.timer) {
    heartbeats.timer = setInterval(() => {
      heartbeats.tick = (heartbeats.tick + 1) % HEARTBEAT_SLOTS;
      for (const each of heartbeats.slots[heartbeats.tick]!) each();
    }, HEARTBEAT_MS / HEARTBEAT_SLOTS);
    heartbeats.timer.unref();
  }
  return () => {
    if (!slot.delete(beat)) return;
    heartbeats.count -= 1;
    if (heartbeats.count > 0 || !heartbeats.timer) return;
    clearInterval(heartbeats.timer);
    heartbeats.timer = undefined;
  };
}

/** Streams beating now (for tests). */
export function heartbeatCount(): number {
  return heartbeats.count;
}

/**
 * Why a stream was ended by the server while its client was still connected: written as a last comment line
 * (`: dropped: <reason>`), logged, and the stream closed. A client that reconnects with its Last-Event-ID resumes
 * where it stopped.
 */
export class StreamDropped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "StreamDropped";
  }
}

/** A frame as it goes on the wire, ending with its blank line. */
export function sseFrameText(frame: SseFrame): string {
  const id = frame.id === undefined ? "" : `id: ${frame.id}\n`;
  return `${id}event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`;
}

export interface SseOptions {
  /**
   * Live streams (session and admin events): a `: connected` comment at once (it sends the headers through
   * proxies, and a waiting client gets its 200) and a `: heartbeat` comment every HEARTBEAT_MS (the process's
   * one heartbeat timer; skipped while the client has not read what it was sent).
   */
  heartbeat?: boolean;
  /**
   * Aborted when the stream ends or the client goes away (the follower behind `events` listens to it). Aborted
   * by the producer with a StreamDropped reason, it ends the stream at once with that reason (a reader too slow).
   */
  controller?: AbortController;
  /** The client's request: its abort (the client went away) ends the stream too. */
  request?: Request;
  /** Names the stream in the log line if it fails while streaming. */
  name: string;
}

/**
 * `events` as a `text/event-stream` response. Values are pulled one at a time (a slow reader slows the producer)
 * and written as `frame(value)`. When the client goes away (cancel, or the request's abort), the heartbeat stops,
 * `controller` aborts and the iterator is closed (`return`: its `finally` blocks run). A failure while streaming
 * is logged and errors the body, unless the stream was being stopped anyway.
 */
export function sseResponse<T>(
  events: AsyncIterator<T>,
  frame: (value: T) => SseFrame,
  options: SseOptions,
): Response {
  const controller = options.controller ?? new AbortController();
  let body: ReadableStreamDefaultController<Uint8Array> | undefined;
  let stopHeartbeat: (() => void) | undefined;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopHeartbeat?.();
    options.request?.signal.removeEventListener("abort", stop);
    controller.signal.removeEventListener("abort", dropped);
    controller.abort();
    // The generator's `finally` blocks (unsubscribe, counters) run once its pending step has ended.
    void Promise.resolve(events.return?.(undefined)).catch(() => undefined);
  };
  // The producer gave up on this client (StreamDropped): say why, end the stream, free what it holds.
  function dropped() {
    const reason: unknown = controller.signal.reason;
    if (stopped || !(reason instanceof StreamDropped)) return;
    logger.warn({ stream: options.name, reason: reason.reason }, "event stream dropped");
    try {
      body?.enqueue(encoder.encode(`: dropped: ${reason.reason.replaceAll("\n", " ")}\n\n`));
      body?.close();
    } catch {
      // already closed
    }
    stop();
  }
  options.request?.signal.addEventListener("abort", stop);
  controller.signal.addEventListener("abort", dropped);
  const stream = new ReadableStream<Uint8Array>({
    start(stream) {
      body = stream;
      if (!options.heartbeat) return;
      stream.enqueue(CONNECTED);
      stopHeartbeat = onHeartbeat(() => {
        // A client that has not read the last comment yet needs no other: nothing piles up behind a slow one.
        if ((stream.desiredSize ?? 0) <= 0) return;
        try {
          stream.enqueue(HEARTBEAT);
        } catch {
          stop();
        }
      });
    },
    async pull(stream) {
      try {
        const next = await events.next();
        if (stopped) return;
        if (next.done) {
          stream.close();
          stop();
        } else {
          const sent = frame(next.value);
          stream.enqueue(encoder.encode(sseFrameText(sent)));
          if (sent.id !== undefined) traceEvent("written", sent.id, sent.event);
        }
      } catch (error) {
        if (stopped || controller.signal.aborted) return;
        logError(`${options.name}: the stream failed`, error);
        stop();
        stream.error(error);
      }
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
