import type { EventData, SessionEvent, SessionEventType } from "./catalogue";

/** Subscribe to every session's events (the admin inbox and `GET /api/admin/events/`). */
export const ALL_SESSIONS = "*";

export interface ReplayResult {
  /** The kept events of the session with seq > after, in order. */
  events: SessionEvent[];
  /**
   * False when events after `after` may have been dropped already (older than what is kept, or kept by an instance
   * that restarted): the caller then sends a snapshot of what changed instead of the missing events.
   */
  complete: boolean;
  /** The session's latest sequence (0 if it has none kept). */
  head: number;
  /**
   * Events with seq <= floor may have been dropped (a resume from below it is not complete). Absent when nothing
   * of the session is kept at all (every sequence may be gone).
   */
  floor?: number;
}

/**
 * The conversation event bus: one implementation chosen at start-up (in process on one instance, Redis across
 * several); the domain publishes through it and the transports (tRPC subscription, SSE routes) follow it.
 */
export interface EventBus {
  /**
   * Gives the event the session's next sequence, keeps it for replay (unless ephemeral) and delivers it to the
   * subscribers on every instance. Calls for one session are delivered in the order they were made.
   */
  publish<T extends SessionEventType>(sessionId: string, type: T, data: EventData<T>): Promise<SessionEvent>;
  /** Kept events of a session after a sequence. */
  replay(sessionId: string, after: number): Promise<ReplayResult>;
  /**
   * Live events of a session (or ALL_SESSIONS) from any instance; returns the unsubscribe function. `onEnd` is
   * called when the session is forgotten (deleted) on any instance: its followers end.
   */
  subscribe(sessionId: string, listener: (event: SessionEvent) => void, onEnd?: () => void): () => void;
  /** Drops what is kept of a session (it was deleted) and ends its followers on every instance. */
  forget(sessionId: string): Promise<void>;
  /**
   * The `principal.revoked` signal: tells every instance that a principal (an API key, a user: see
   * src/server/admin/auth/revocation.ts) lost its access, so what follows events on its behalf ends there.
   */
  revoke(principal: string): Promise<void>;
  /** Calls `onRevoked` when `principal` is revoked on any instance; returns the function that stops listening. */
  onRevoked(principal: string, onRevoked: () => void): () => void;
  close(): Promise<void>;
}

/** How long events are kept for resuming, and how many per session at most. */
export interface ReplayRetention {
  keepMs: number;
  maxEventsPerSession: number;
}

export const DEFAULT_RETENTION: ReplayRetention = { keepMs: 15 * 60_000, maxEventsPerSession: 5_000 };
