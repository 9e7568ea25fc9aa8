/**
 * Preloaded into a bench server (`NODE_OPTIONS=--import …/bench/stamp-preload.mjs`): registers stampDeltas as the
 * responder wrapper the runtime applies (src/server/runtime/responder.ts, RESPONDER_WRAPPER). Plain JavaScript so
 * Node loads it before Next.js starts; the TypeScript module is loaded through tsx for this one import only.
 */
import { tsImport } from "tsx/esm/api";

const { stampDeltas } = await tsImport("./stamp-deltas.ts", import.meta.url);
globalThis[Symbol.for("visitor-chat.wrapResponder")] = stampDeltas;
