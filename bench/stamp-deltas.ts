import type { Responder, ResponderInput, ResponderReply } from "~/server/chat/responder/responder";

/**
 * Bench-only: prefixes every delta with the wall-clock time at which the wrapped responder yielded it, so
 * bench/stream-latency.ts can measure yield → client delivery across processes. The stamps end up in the stored
 * reply too; that is why it is never part of the app: a bench server gets it by preloading bench/stamp-preload.mjs
 * (`NODE_OPTIONS=--import …`, see stampedServerEnv), which registers it through the runtime's responder hook.
 */
export const DELTA_STAMP = /⟦t:(\d+(?:\.\d+)?)⟧/;

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function stampDeltas(inner: Responder): Responder {
  return {
    name: `${inner.name}+stamped`,
    reply(input: ResponderInput): ResponderReply {
      const reply = inner.reply(input);
      async function* stamped(): AsyncIterable<string> {
        for await (const delta of reply.deltas) yield `⟦t:${nowMs().toFixed(3)}⟧${delta}`;
      }
      return { deltas: stamped(), sources: () => reply.sources() };
    },
  };
}

/** Environment for `next start` that makes its responder stamp deltas (the preload below). */
export function stampedServerEnv(): Record<string, string> {
  const preload = new URL("./stamp-preload.mjs", import.meta.url).href;
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import ${preload}`].filter(Boolean).join(" ") };
}
