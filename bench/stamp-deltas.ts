import type { Responder, ResponderInput } from "~/server/chat/responder/responder";

/**
 * Bench-only (BENCH_STAMP_DELTAS=1, never set in production): prefixes every delta with the wall-clock time at
 * which the wrapped responder yielded it, so bench/stream-latency.ts can measure yield → client delivery across
 * processes. The stamps end up in the stored reply too; that is why it is off unless a bench turns it on.
 */
export const DELTA_STAMP = /⟦t:(\d+(?:\.\d+)?)⟧/;

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function stampDeltas(inner: Responder): Responder {
  return {
    name: `${inner.name}+stamped`,
    async *reply(input: ResponderInput): AsyncIterable<string> {
      for await (const delta of inner.reply(input)) yield `⟦t:${nowMs().toFixed(3)}⟧${delta}`;
    },
  };
}
