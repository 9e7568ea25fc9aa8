import type { EventBus } from "./bus";
import type { EventData, SessionEventType } from "./catalogue";
import { logError } from "../../observability/logger";

/**
 * Publishes a live session event on the app's bus (ChatDeps.events): for what stores nothing (a reply's delta,
 * typing); a change's events go through commitChange, which calls this after its commit. Never throws: a change
 * is stored before its event is published, and a bus that is away (Redis down) must not fail the request that
 * made the change — followers then catch up from a snapshot when they resume.
 */
export function publishEvent<T extends SessionEventType>(
  bus: EventBus,
  sessionId: string,
  type: T,
  data: EventData<T>,
): void {
  bus.publish(sessionId, type, data).catch((error: unknown) => {
    logError("events: could not publish", error, { type, session_id: sessionId });
  });
}
