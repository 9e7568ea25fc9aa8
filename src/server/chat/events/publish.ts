import type { EventBus } from "./bus";
import type { SessionEventType } from "./event-types";
import { logError } from "../../observability/logger";

/**
 * Publishes a session event on the app's bus (ChatDeps.events). Never throws: a change is stored before its
 * event is published, and a bus that is away (Redis down) must not fail the request that made the change —
 * followers then catch up from a snapshot when they resume.
 */
export function publishEvent(bus: EventBus, sessionId: string, type: SessionEventType, data: unknown): void {
  bus.publish(sessionId, type, data).catch((error: unknown) => {
    logError("events: could not publish", error, { type, session_id: sessionId });
  });
}
