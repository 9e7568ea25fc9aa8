import { ZodError } from "zod";
import type { SessionEvent } from "../chat/events/event-types";
import { MAX_PENDING_EVENTS } from "../chat/events/follow-session";
import { followSessionEvents } from "../chat/messages/messages.service";
import { sessionEventsInputSchema, type SessionEventsInput } from "../chat/sessions/session.schema";
import type { RouteCall } from "./route";
import { sseResponse, StreamDropped, type SseFrame } from "./sse";

/** One event as an SSE frame: `id:` its sequence (the browser's Last-Event-ID), `event:` its type, `data:` JSON. */
export function sessionEventFrame(event: SessionEvent): SseFrame {
  return { id: event.seq, event: event.type, data: event.data };
}

/** The input as the REST route names it (`last_event_id`) read into the procedure's schema (`lastEventId`). */
export function sessionEventsInput(request: Request, params: Record<string, string>): SessionEventsInput {
  const url = new URL(request.url);
  const lastEventId = request.headers.get("last-event-id") ?? url.searchParams.get("last_event_id");
  const parsed = sessionEventsInputSchema.safeParse({
    id: params.id,
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
 * 15 s (one timer for all streams). A client that falls MAX_PENDING_EVENTS behind is dropped with a
 * `: dropped: <reason>` comment. Everything that can be refused (validation, unknown session, another visitor's, rate limit) is an
 * ordinary JSON error before the stream starts. The stream ends when the session is deleted.
 */
export async function sessionEvents({
  request,
  deps,
  input,
}: RouteCall<SessionEventsInput>): Promise<Response> {
  const controller = new AbortController();
  // A client that stops reading is dropped with the reason once its follower's bound is reached (sseResponse).
  const events = await followSessionEvents(deps, input, controller.signal, {
    maxPending: MAX_PENDING_EVENTS,
    onOverflow: (reason) => controller.abort(new StreamDropped(reason)),
  });
  return sseResponse(events, sessionEventFrame, {
    name: "session events",
    heartbeat: true,
    controller,
    request,
  });
}
