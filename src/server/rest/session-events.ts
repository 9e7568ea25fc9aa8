import { ZodError } from "zod";
import type { SessionEvent } from "../chat/events/event-types";
import { followSessionEvents } from "../chat/messages/messages.service";
import { sessionEventsInputSchema } from "../chat/sessions/session.schema";
import { clientIp, enforceRateLimit } from "../protection/rate-limits";
import { getChatDeps } from "../runtime/runtime";
import { restErrorResponse, toRestError } from "./errors";
import { logError } from "../observability/logger";

const encoder = new TextEncoder();

/** A comment line at least this often, so proxies and clients see an idle stream is alive. */
export const HEARTBEAT_MS = 15_000;

/** One event as an SSE frame: `id:` its sequence (the browser's Last-Event-ID), `event:` its type, `data:` JSON. */
export function sessionEventFrame(event: SessionEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** The input as the REST route names it (`last_event_id`) read into the procedure's schema (`lastEventId`). */
function parseInput(request: Request, id: string) {
  const url = new URL(request.url);
  const lastEventId = request.headers.get("last-event-id") ?? url.searchParams.get("last_event_id");
  const parsed = sessionEventsInputSchema.safeParse({
    id,
    visitor_id: url.searchParams.get("visitor_id") ?? undefined,
    lastEventId: lastEventId ?? undefined,
  });
  if (parsed.success) return parsed.data;
  throw new ZodError(
    parsed.error.issues.map((issue) => ({
      ...issue,
      path: issue.path.map((key) => (key === "lastEventId" ? "last_event_id" : key)),
    })),
  );
}

/**
 * GET /api/chats/sessions/{id}/events/?visitor_id=…: the session's events as Server-Sent Events, resumed after
 * `Last-Event-ID` (or `last_event_id`) with no gap and no duplicate, then live, with a heartbeat comment every
 * 15 s. Everything that can be refused (validation, unknown session, another visitor's, rate limit) is an
 * ordinary JSON error before the stream starts. The stream ends when the session is deleted.
 */
export async function handleSessionEventsRequest(
  request: Request,
  context: { params: Promise<{ id: string }> },
): Promise<Response> {
  const controller = new AbortController();
  let events: AsyncGenerator<SessionEvent>;
  try {
    const input = parseInput(request, (await context.params).id);
    await enforceRateLimit("readHistory", {
      ip: clientIp(request.headers),
      visitorId: input.visitor_id,
      sessionId: input.id,
    });
    events = await followSessionEvents(await getChatDeps(), input, controller.signal);
  } catch (error) {
    const restError = toRestError(error);
    if (restError.status >= 500) logError("session events: could not start", error);
    return restErrorResponse(restError);
  }
  return new Response(eventStreamBody(events, controller), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}

/** The frames of `events` with heartbeats between them; closing the body (the client left) ends the follower. */
export function eventStreamBody(
  events: AsyncGenerator<SessionEvent>,
  controller: AbortController,
): ReadableStream<Uint8Array> {
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(heartbeat);
    controller.abort();
  };
  return new ReadableStream<Uint8Array>({
    start(stream) {
      // A first comment sends the headers through at once (proxies, and clients waiting for the 200).
      stream.enqueue(encoder.encode(": connected\n\n"));
      heartbeat = setInterval(() => {
        try {
          stream.enqueue(encoder.encode(": heartbeat\n\n"));
        } catch {
          stop();
        }
      }, HEARTBEAT_MS);
      void (async () => {
        try {
          for await (const event of events) stream.enqueue(encoder.encode(sessionEventFrame(event)));
          stream.close();
        } catch (error) {
          if (!controller.signal.aborted) {
            logError("session events: the stream failed", error);
            stream.error(error);
          }
        } finally {
          stop();
        }
      })();
    },
    cancel() {
      stop();
    },
  });
}
