/**
 * Stage stamps of an event on its way to a follower, for benches only (bench/event-trace.mjs installs the
 * recorder with `node --import`; bench/event-streams.ts reads what it wrote): publish called, publish answered,
 * received from the Redis channel, parsed, dispatched to the followers, written to an SSE body. Without the
 * recorder each stamp is one property read. `at` is the time in ms (performance.timeOrigin + performance.now()).
 */
export type TraceStage = "publish" | "acked" | "received" | "parsed" | "dispatched" | "written";

type Recorder = (stage: TraceStage, seq: number | string, type: string, at: number) => void;

const holder = globalThis as typeof globalThis & { __visitorChatEventTrace?: Recorder };

export function traceEvent(stage: TraceStage, seq: number | string, type: string, at?: number): void {
  const record = holder.__visitorChatEventTrace;
  if (record) record(stage, seq, type, at ?? performance.timeOrigin + performance.now());
}

/** The time a stage stamp would carry, or 0 when nothing records (so callers skip the clock read). */
export function traceClock(): number {
  return holder.__visitorChatEventTrace ? performance.timeOrigin + performance.now() : 0;
}
