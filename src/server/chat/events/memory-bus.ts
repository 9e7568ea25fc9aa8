import { DEFAULT_RETENTION, type EventBus, type ReplayResult, type ReplayRetention } from "./bus";
import {
  EPHEMERAL_EVENT_TYPES,
  nextSequence,
  type EventData,
  type SessionEvent,
  type SessionEventType,
} from "./event-types";
import { Subscribers } from "./subscribers";

interface Kept {
  /** Latest sequence given. */
  head: number;
  /** Events with seq <= floor may have been dropped (the first sequence of this log, then the last trimmed). */
  floor: number;
  events: { event: SessionEvent; at: number }[];
}

/**
 * The event bus of a single instance (SQLite, or no REDIS_URL): sequences, kept events and subscribers in this
 * process. Kept events are trimmed by age and count on publish and by a sweep every minute (unref'd timer).
 */
export class MemoryEventBus implements EventBus {
  private readonly kept = new Map<string, Kept>();
  /** Sessions forgotten (deleted, erased) and when: their later events are neither kept nor delivered. */
  private readonly forgotten = new Map<string, number>();
  private readonly subscribers = new Subscribers();
  /** Who listens for the revocation of a principal (keyed by principal; no events go there). */
  private readonly revocations = new Subscribers();
  private readonly sweep: ReturnType<typeof setInterval>;

  constructor(
    private readonly retention: ReplayRetention = DEFAULT_RETENTION,
    private readonly now: () => number = Date.now,
  ) {
    this.sweep = setInterval(() => this.trimAll(), Math.min(60_000, retention.keepMs));
    this.sweep.unref();
  }

  publish<T extends SessionEventType>(sessionId: string, type: T, data: EventData<T>): Promise<SessionEvent> {
    const now = this.now();
    // A reply still running for an erased session cannot write its events back (as the Redis bus's tombstone).
    if (this.forgotten.has(sessionId))
      return Promise.resolve({ seq: 0, session_id: sessionId, type, data } as SessionEvent);
    let log = this.kept.get(sessionId);
    if (!log) {
      const start = nextSequence(0, now) - 1;
      log = { head: start, floor: start, events: [] };
      this.kept.set(sessionId, log);
    }
    const event = { seq: nextSequence(log.head, now), session_id: sessionId, type, data } as SessionEvent;
    log.head = event.seq;
    if (!EPHEMERAL_EVENT_TYPES.has(type)) {
      log.events.push({ event, at: now });
      this.trim(log, now);
    }
    this.subscribers.deliver(event);
    return Promise.resolve(event);
  }

  replay(sessionId: string, after: number): Promise<ReplayResult> {
    const log = this.kept.get(sessionId);
    if (!log) return Promise.resolve({ events: [], complete: false, head: 0 });
    this.trim(log, this.now());
    return Promise.resolve({
      events: log.events.filter(({ event }) => event.seq > after).map(({ event }) => event),
      complete: after >= log.floor,
      head: log.head,
      floor: log.floor,
    });
  }

  subscribe(sessionId: string, listener: (event: SessionEvent) => void, onEnd?: () => void): () => void {
    return this.subscribers.add(sessionId, listener, onEnd);
  }

  forget(sessionId: string): Promise<void> {
    this.kept.delete(sessionId);
    this.forgotten.set(sessionId, this.now());
    this.subscribers.end(sessionId);
    return Promise.resolve();
  }

  revoke(principal: string): Promise<void> {
    this.revocations.end(principal);
    return Promise.resolve();
  }

  onRevoked(principal: string, onRevoked: () => void): () => void {
    return this.revocations.add(principal, () => undefined, onRevoked);
  }

  close(): Promise<void> {
    clearInterval(this.sweep);
    return Promise.resolve();
  }

  /** Open subscriptions (for metrics and tests). */
  subscriberCount(): number {
    return this.subscribers.count();
  }

  private trim(log: Kept, now: number): void {
    const oldest = now - this.retention.keepMs;
    let drop = 0;
    while (
      drop < log.events.length &&
      (log.events[drop]!.at < oldest || log.events.length - drop > this.retention.maxEventsPerSession)
    ) {
      drop += 1;
    }
    if (drop === 0) return;
    log.floor = log.events[drop - 1]!.event.seq;
    log.events.splice(0, drop);
  }

  private trimAll(): void {
    const now = this.now();
    for (const [sessionId, at] of this.forgotten)
      if (now - at > this.retention.keepMs) this.forgotten.delete(sessionId);
    for (const [sessionId, log] of this.kept) {
      this.trim(log, now);
      // Nothing kept and nothing new for the retention time: the next event starts a new log from the clock.
      if (log.events.length === 0 && now - Math.floor(log.head / 1000) > this.retention.keepMs) {
        this.kept.delete(sessionId);
      }
    }
  }
}
