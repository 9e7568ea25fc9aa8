import { logError } from "../observability/logger";

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

/** A frame as it goes on the wire, ending with its blank line. */
export function sseFrameText(frame: SseFrame): string {
  const id = frame.id === undefined ? "" : `id: ${frame.id}\n`;
  return `${id}event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`;
}

export interface SseOptions {
  /**
   * Live streams (session and admin events): a `: connected` comment at once (it sends the headers through
   * proxies, and a waiting client gets its 200) and a `: heartbeat` comment every HEARTBEAT_MS.
   */
  heartbeat?: boolean;
  /** Aborted when the stream ends or the client goes away (the follower behind `events` listens to it). */
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
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(heartbeat);
    controller.abort();
    // The generator's `finally` blocks (unsubscribe, counters) run once its pending step has ended.
    void Promise.resolve(events.return?.(undefined)).catch(() => undefined);
  };
  options.request?.signal.addEventListener("abort", stop);
  const body = new ReadableStream<Uint8Array>({
    start(stream) {
      if (!options.heartbeat) return;
      stream.enqueue(encoder.encode(": connected\n\n"));
      heartbeat = setInterval(() => {
        try {
          stream.enqueue(encoder.encode(": heartbeat\n\n"));
        } catch {
          stop();
        }
      }, HEARTBEAT_MS);
    },
    async pull(stream) {
      try {
        const next = await events.next();
        if (stopped) return;
        if (next.done) {
          clearInterval(heartbeat);
          stream.close();
          stopped = true;
          controller.abort();
        } else {
          stream.enqueue(encoder.encode(sseFrameText(frame(next.value))));
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
  return new Response(body, { headers: SSE_HEADERS });
}
