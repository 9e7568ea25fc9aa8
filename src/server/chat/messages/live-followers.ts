import type { ChatDeps } from "../deps";
import type { Db } from "../../db/client";
import { logError } from "../../observability/logger";

/**
 * A visitor's open event stream says "following live" ahead by this much, renewed every VISITOR_LIVE_RENEW_MS:
 * a stream that dies without closing stops counting within it (src/server/chat/email/continuity.ts).
 */
export const VISITOR_LIVE_LEASE_MS = 45_000;
export const VISITOR_LIVE_RENEW_MS = 15_000;
/** Sessions renewed per statement (well under both databases' parameter limits). */
const RENEW_CHUNK = 500;

/**
 * The sessions whose visitor follows live from this process, with how many of their streams are open here. ONE
 * timer per database client renews them all, a statement per RENEW_CHUNK sessions — not a timer and an UPDATE per
 * stream (10,000 open streams were ≈ 670 UPDATEs a second). On globalThis: Next.js bundles each route separately,
 * and the REST and tRPC streams must share it.
 */
interface Followers {
  deps: ChatDeps;
  open: Map<string, number>;
  timer?: NodeJS.Timeout;
}
const globalFollowers = globalThis as typeof globalThis & {
  __visitorChatLiveFollowers?: WeakMap<Db, Followers>;
};
const registries: WeakMap<Db, Followers> = (globalFollowers.__visitorChatLiveFollowers ??= new WeakMap());

async function markLiveUntil(deps: ChatDeps, sessionIds: string[], until: Date): Promise<void> {
  try {
    await deps.db.session.updateMany({
      where: { id: { in: sessionIds } },
      data: { visitor_live_until: until },
    });
  } catch (error) {
    logError("follow: could not record the visitor following live", error, { sessions: sessionIds.length });
  }
}

/** Records that the session's visitor follows live from now (a stream is opening). */
export function markLive(deps: ChatDeps, sessionId: string): Promise<void> {
  return markLiveUntil(deps, [sessionId], new Date(Date.now() + VISITOR_LIVE_LEASE_MS));
}

/**
 * Counts an open stream of the session's visitor: renewed with the others until the returned release is called
 * (once; later calls do nothing). When the session's last stream here is released its visitor followed until now.
 */
export function holdLive(deps: ChatDeps, sessionId: string): () => Promise<void> {
  let followers = registries.get(deps.db);
  if (!followers) registries.set(deps.db, (followers = { deps, open: new Map() }));
  const registry = followers;
  registry.open.set(sessionId, (registry.open.get(sessionId) ?? 0) + 1);
  if (!registry.timer) {
    registry.timer = setInterval(() => void renewLive(registry.deps), VISITOR_LIVE_RENEW_MS);
    registry.timer.unref();
  }
  let held = true;
  return async () => {
    if (!held) return;
    held = false;
    const left = (registry.open.get(sessionId) ?? 1) - 1;
    if (left > 0) {
      registry.open.set(sessionId, left);
      return;
    }
    registry.open.delete(sessionId);
    if (registry.open.size === 0 && registry.timer) {
      clearInterval(registry.timer);
      registry.timer = undefined;
    }
    await markLiveUntil(deps, [sessionId], new Date());
  };
}

/** One renewal (what the shared timer runs): every session followed live here, ahead by the lease. */
export async function renewLive(deps: ChatDeps): Promise<number> {
  const ids = [...(registries.get(deps.db)?.open.keys() ?? [])];
  const until = new Date(Date.now() + VISITOR_LIVE_LEASE_MS);
  for (let start = 0; start < ids.length; start += RENEW_CHUNK)
    await markLiveUntil(deps, ids.slice(start, start + RENEW_CHUNK), until);
  return ids.length;
}
