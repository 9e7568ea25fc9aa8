import type * as IORedis from "ioredis";
import { appRequire } from "../app-require";

/**
 * ioredis, required from node_modules the first time a Redis connection is opened (the event bus and the rate
 * limits with REDIS_URL), so that a server without REDIS_URL never loads it (≈ 2 MB of heap and its code at rest:
 * bench/RESULTS.md, issue 24). A static `import` would be evaluated with
 * the module that holds it, at start.
 */
let loaded: typeof IORedis | undefined;

export function ioredis(): typeof IORedis {
  loaded ??= appRequire()("ioredis") as typeof IORedis;
  return loaded;
}
