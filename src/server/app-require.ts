import { createRequire } from "node:module";
import path from "node:path";

/**
 * `require` from the project's own node_modules, resolved at run time: what a route loads only when it needs it
 * (ioredis with REDIS_URL, pino-pretty in development, the embedded model's packages) is neither bundled into the
 * routes' chunks nor evaluated at start. The server runs from the project directory (as `npm start` does).
 */
export function appRequire(): NodeJS.Require {
  return createRequire(path.join(process.cwd(), "package.json"));
}
