import type { ChatDeps } from "../../chat/deps";
import { logError } from "../../observability/logger";
import type { AdminPrincipal } from "./admin-access";

/**
 * Revocation: when a principal loses its access — an API key revoked, a user disabled or their sessions ended —
 * what it has open ends at once, on every instance, not only its next request. One function does it,
 * `revokePrincipal`: it sends the `principal.revoked` signal over the event bus (in process, or Redis to every
 * instance), and every open admin stream bound to that principal (`GET /api/admin/events/`, the tRPC
 * `admin.inbox.events` subscription: `watchAccess`) ends when it hears it. Each stream also judges its
 * credentials again every ACCESS_RECHECK_MS, so a signal missed (Redis away) still ends it within that time.
 */

/** Who can be revoked: a managed API key, or a user (the bootstrap ADMIN_API_KEY lives in the environment). */
export type RevocablePrincipal = { kind: "api_key"; id: string } | { kind: "user"; id: string };

/** How often an open admin stream checks again that its credentials still give access. */
export const ACCESS_RECHECK_MS = 15_000;

/** The principal's name on the bus's `principal.revoked` signal. */
export function principalKey(principal: RevocablePrincipal): string {
  return `${principal.kind}:${principal.id}`;
}

/** The revocable principal behind an admin caller (none for the bootstrap key). */
export function revocableOf(principal: AdminPrincipal): RevocablePrincipal | undefined {
  if (principal.kind === "api_key") return { kind: "api_key", id: principal.apiKeyId };
  if (principal.kind === "session") return { kind: "user", id: principal.userId };
  return undefined;
}

/**
 * Ends everything open on behalf of `principal` on every instance (its admin event streams and subscriptions).
 * Call it after the change that took the access away is committed: revoking a key, disabling a user, ending a
 * user's sessions.
 */
export async function revokePrincipal(deps: ChatDeps, principal: RevocablePrincipal): Promise<void> {
  try {
    await deps.events.revoke(principalKey(principal));
  } catch (error) {
    // The change is committed: the streams' re-check ends them within ACCESS_RECHECK_MS all the same.
    logError("revocation: could not signal every instance (their streams end at the next re-check)", error);
  }
}

export interface WatchedAccess {
  /** Aborts when `parent` does, when the principal is revoked (any instance), or when a re-check refuses it. */
  signal: AbortSignal;
  /** Stops watching (the stream ended by itself). */
  release: () => void;
}

/**
 * Watches the access of an open stream's caller: `stillAllowed` judges the request's credentials again (every
 * ACCESS_RECHECK_MS; a re-check that fails to answer, e.g. the database away, keeps the stream).
 */
export function watchAccess(
  deps: ChatDeps,
  principal: AdminPrincipal,
  stillAllowed: () => Promise<boolean>,
  parent: AbortSignal,
): WatchedAccess {
  const controller = new AbortController();
  const end = () => controller.abort();
  const revocable = revocableOf(principal);
  const stopListening = revocable ? deps.events.onRevoked(principalKey(revocable), end) : () => undefined;
  const recheck = setInterval(() => {
    stillAllowed().then(
      (allowed) => {
        if (!allowed) end();
      },
      (error: unknown) => logError("admin stream: could not check its access again", error),
    );
  }, ACCESS_RECHECK_MS);
  recheck.unref();
  const release = () => {
    clearInterval(recheck);
    stopListening();
    parent.removeEventListener("abort", end);
  };
  controller.signal.addEventListener("abort", release, { once: true });
  if (parent.aborted) end();
  else parent.addEventListener("abort", end, { once: true });
  return { signal: controller.signal, release };
}
