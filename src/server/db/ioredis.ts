import { createRequire } from "node:module";
import path from "node:path";
import type * as IORedis from "ioredis";

/**
 * ioredis, required from node_modules the first time a Redis connection is opened (the event bus and the rate
 * limits with REDIS_URL), so that a server without REDIS_URL never loads it (≈ 2 MB of heap and its code at rest:
 * bench/RESULTS.md, issue 24). Required relative to the project directory, as the server runs from it: a static
 * `import` would be evaluated with the module that holds it, at start.
 */
let loaded: typeof IORedis | undefined;

export function ioredis(): typeof IORedis {
  loaded ??= createRequire(path.join(process.cwd(), "package.json"))("ioredis") as typeof IORedis;
  return loaded;
}
