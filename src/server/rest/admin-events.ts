import { followInboxEvents } from "../admin/inbox/follow-inbox";
import type { SessionEvent } from "../chat/events/event-types";
import type { RouteCall } from "./route";
import { sseResponse, type SseFrame } from "./sse";

/** One SSE frame: `id:` <session id>:<seq>, `event:` the type, `data:` the event as JSON (with session_id). */
function adminFrame(event: SessionEvent): SseFrame {
  return { id: `${event.session_id}:${event.seq}`, event: event.type, data: event };
}

/**
 * GET /api/admin/events/: every conversation's events as Server-Sent Events, for integrations (the inbox uses the
 * admin.inbox.events subscription). Live only: Last-Event-ID is not needed and ignored (after a reconnect, read
 * the lists again). A `: heartbeat` comment every 15 s. It ends when the caller's key is revoked (or user disabled).
 */
export function adminEvents({ request, deps, principal }: RouteCall<undefined>): Promise<Response> {
  const controller = new AbortController();
  // The stream ends when the caller's access does (a revoked key: src/server/admin/auth/revocation.ts).
  const events = followInboxEvents(deps, principal!, request.headers, controller.signal);
  return Promise.resolve(
    sseResponse(events, adminFrame, {
      name: "admin events",
      heartbeat: true,
      controller,
      request,
    }),
  );
}
