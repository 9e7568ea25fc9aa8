import { ALL_SESSIONS, type EventBus } from "./bus";
import type { SessionEvent } from "./event-types";

/**
 * Every session's live events (the admin inbox, GET /api/admin/events/), in the order the bus delivers them,
 * until the signal aborts. No replay: a client that reconnects reloads its lists (they are the state).
 */
export async function* followAllSessions(bus: EventBus, signal: AbortSignal): AsyncGenerator<SessionEvent> {
  const queue: SessionEvent[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const unsubscribe = bus.subscribe(ALL_SESSIONS, (event) => {
    queue.push(event);
    notify();
  });
  signal.addEventListener("abort", notify);
  try {
    while (!signal.aborted) {
      const event = queue.shift();
      if (event) {
        yield event;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener("abort", notify);
    unsubscribe();
  }
}
