import { ALL_SESSIONS, type EventBus } from "./bus";
import type { SessionEvent } from "./event-types";

/**
 * Every session's live events (the admin inbox, GET /api/admin/events/), in the order the bus delivers them,
 * until the signal aborts. No replay: a client that reconnects reloads its lists (they are the state).
 *
 * The bus subscription is taken when this is called, not on the first read: a caller that subscribes, tells its
 * client the stream is open (the client then reloads its lists) and only later starts reading still gets every
 * event published in between. An aborted signal ends it, read or not.
 */
export function followAllSessions(bus: EventBus, signal: AbortSignal): AsyncGenerator<SessionEvent> {
  const queue: SessionEvent[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  let subscribed = true;
  const unsubscribeFromBus = bus.subscribe(ALL_SESSIONS, (event) => {
    queue.push(event);
    notify();
  });
  const end = () => {
    if (!subscribed) return;
    subscribed = false;
    signal.removeEventListener("abort", onAbort);
    unsubscribeFromBus();
    queue.length = 0;
  };
  function onAbort() {
    end();
    notify();
  }
  signal.addEventListener("abort", onAbort);
  if (signal.aborted) end();

  async function* read(): AsyncGenerator<SessionEvent> {
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
      end();
    }
  }
  return read();
}
