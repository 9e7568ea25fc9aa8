import { requireAdmin } from "../admin/auth/admin-access";
import { followAllSessions } from "../chat/events/follow-all";
import type { SessionEvent } from "../chat/events/event-types";
import { getChatDeps } from "../runtime/runtime";
import { restErrorResponse, toRestError } from "./errors";
import { logError } from "../observability/logger";

const encoder = new TextEncoder();
/** A comment line at least this often, so proxies and clients keep an idle stream open. */
export const HEARTBEAT_MS = 15_000;

/** One SSE frame: `id:` <session id>:<seq>, `event:` the type, `data:` the event as JSON (with session_id). */
function frame(event: SessionEvent): Uint8Array {
  return encoder.encode(
    `id: ${event.session_id}:${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
  );
}

/**
 * GET /api/admin/events/: every conversation's events as Server-Sent Events, for integrations (the inbox uses the
 * admin.inbox.events subscription). Live only: Last-Event-ID is not needed and ignored (after a reconnect, read
 * the lists again). A `: heartbeat` comment every 15 s.
 */
export async function handleAdminEventsRequest(request: Request): Promise<Response> {
  let deps;
  try {
    deps = await getChatDeps();
    await requireAdmin(deps, request.headers);
  } catch (error) {
    const restError = toRestError(error);
    if (restError.status >= 500) logError("admin events: could not start", error);
    return restErrorResponse(restError);
  }
  const bus = deps.events;
  const controller = new AbortController();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async start(stream) {
      stream.enqueue(encoder.encode(": connected\n\n"));
      heartbeat = setInterval(() => {
        try {
          stream.enqueue(encoder.encode(": heartbeat\n\n"));
        } catch {
          controller.abort();
        }
      }, HEARTBEAT_MS);
      try {
        for await (const event of followAllSessions(bus, controller.signal)) stream.enqueue(frame(event));
      } catch {
        // the client went away while an event was being written
      } finally {
        clearInterval(heartbeat);
      }
    },
    cancel() {
      clearInterval(heartbeat);
      controller.abort();
    },
  });
  request.signal.addEventListener("abort", () => {
    clearInterval(heartbeat);
    controller.abort();
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
