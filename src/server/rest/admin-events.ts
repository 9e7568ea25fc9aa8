import type { EventBus } from "../chat/events/bus";
import { followAllSessions } from "../chat/events/follow-all";
import type { SessionEvent } from "../chat/events/event-types";
import type { RouteCall } from "./route";
import { sseResponse, type SseFrame } from "./sse";

/** One SSE frame: `id:` <session id>:<seq>, `event:` the type, `data:` the event as JSON (with session_id). */
function adminFrame(event: SessionEvent): SseFrame {
  return { id: `${event.session_id}:${event.seq}`, event: event.type, data: event };
}

/** Every session's events; without a bus none ever come (the stream is heartbeats until the client leaves). */
async function* allEvents(bus: EventBus | undefined, signal: AbortSignal): AsyncGenerator<SessionEvent> {
  if (bus) {
    yield* followAllSessions(bus, signal);
    return;
  }
  if (!signal.aborted)
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
}

/**
 * GET /api/admin/events/: every conversation's events as Server-Sent Events, for integrations (the inbox uses the
 * admin.inbox.events subscription). Live only: Last-Event-ID is not needed and ignored (after a reconnect, read
 * the lists again). A `: heartbeat` comment every 15 s.
 */
export function adminEvents({ request, deps }: RouteCall<undefined>): Promise<Response> {
  const controller = new AbortController();
  return Promise.resolve(
    sseResponse(allEvents(deps.events, controller.signal), adminFrame, {
      name: "admin events",
      heartbeat: true,
      controller,
      request,
    }),
  );
}
