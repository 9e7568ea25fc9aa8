import { createCaller } from "~/server/api/root";
import type { ChatDeps } from "~/server/chat/deps";

/** Headers that present `key` as an admin bearer key. */
export const bearer = (key: string) => new Headers({ authorization: `Bearer ${key}` });

/** The tRPC caller the admin suites use: these deps, these request headers, from this client address. */
export function adminCaller(deps: ChatDeps, headers: Headers, ip: string) {
  return createCaller({ getDeps: async () => deps, headers, ip });
}
