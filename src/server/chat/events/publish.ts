import type { EventBus } from "./bus";
import type { EventData, SessionEventType } from "./catalogue";

/**
 * Publishes a live session event if the app has a bus: for what stores nothing (a reply's delta, typing); a
 * change's events go through commitChange, which calls this after its commit (tests that build ChatDeps by hand may not). Never throws: a
 * change is stored before its event is published, and a bus that is away (Redis down) must not fail the request
 * that made the change — followers then catch up from a snapshot when they resume.
 */
export function publishEvent<T extends SessionEventType>(
  bus: EventBus | undefined,
  sessionId: string,
  type: T,
  data: EventData<T>,
): void {
  if (!bus) return;
  bus.publish(sessionId, type, data).catch((error: unknown) => {
    console.error(`events: could not publish ${type} of session ${sessionId}`, error);
  });
}
