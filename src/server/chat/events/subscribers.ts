import { logError } from "../../observability/logger";
import { ALL_SESSIONS } from "./bus";
import type { SessionEvent } from "./event-types";

interface Subscription {
  listener: (event: SessionEvent) => void;
  onEnd?: () => void;
}

/**
 * The subscribers of one process, by session (or ALL_SESSIONS), and the delivery to them: what both buses share
 * (the memory bus delivers what it publishes, the Redis bus what its channel brings). A failing listener is
 * logged and does not keep the event from the others.
 */
export class Subscribers {
  private readonly bySession = new Map<string, Set<Subscription>>();

  /** Adds a subscription; the answer removes it (`onEmpty` once the session has no subscriber left). */
  add(
    sessionId: string,
    listener: (event: SessionEvent) => void,
    onEnd?: () => void,
    onEmpty?: () => void,
  ): () => void {
    const subscription: Subscription = { listener, onEnd };
    let set = this.bySession.get(sessionId);
    if (!set) {
      set = new Set();
      this.bySession.set(sessionId, set);
    }
    set.add(subscription);
    return () => {
      const current = this.bySession.get(sessionId);
      if (!current?.delete(subscription) || current.size > 0) return;
      this.bySession.delete(sessionId);
      onEmpty?.();
    };
  }

  has(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  /** Delivers the event to its session's subscribers, then to those of every session. */
  deliver(event: SessionEvent): void {
    for (const key of [event.session_id, ALL_SESSIONS])
      for (const { listener } of this.bySession.get(key) ?? []) {
        try {
          listener(event);
        } catch (error) {
          logError("event bus: a subscriber failed", error);
        }
      }
  }

  /** The session is gone: its subscribers are dropped and told (onEnd). */
  end(sessionId: string): void {
    const set = this.bySession.get(sessionId);
    this.bySession.delete(sessionId);
    for (const subscription of set ?? []) subscription.onEnd?.();
  }

  /** Open subscriptions (for metrics and tests). */
  count(): number {
    let count = 0;
    for (const set of this.bySession.values()) count += set.size;
    return count;
  }
}
