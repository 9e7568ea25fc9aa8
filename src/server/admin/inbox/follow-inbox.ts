import type { ChatDeps } from "../../chat/deps";
import type { SessionEvent } from "../../chat/events/event-types";
import { followAllSessions } from "../../chat/events/follow-all";
import { authenticateAdmin, type AdminPrincipal } from "../auth/admin-access";
import { watchAccess } from "../auth/revocation";

/** Whether the credentials judged again are still the same caller's. */
function sameCaller(principal: AdminPrincipal, now: AdminPrincipal | null): boolean {
  if (!now || now.kind !== principal.kind) return false;
  if (principal.kind === "api_key") return now.kind === "api_key" && now.apiKeyId === principal.apiKeyId;
  if (principal.kind === "session") return now.kind === "session" && now.userId === principal.userId;
  return true;
}

/**
 * Every conversation's live events for an admin caller (the inbox's `admin.inbox.events`, `GET
 * /api/admin/events/`), until `signal` aborts or the caller loses access: its key revoked or its user disabled
 * on any instance (src/server/admin/auth/revocation.ts), or its credentials refused when judged again.
 *
 * Subscribed when called (followAllSessions): the transports call this before they answer that the stream is
 * open, so nothing published between "open" (the inbox then reloads its lists) and the first read is missed.
 */
export function followInboxEvents(
  deps: ChatDeps,
  principal: AdminPrincipal,
  headers: Headers,
  signal: AbortSignal,
): AsyncGenerator<SessionEvent> {
  const access = watchAccess(
    deps,
    principal,
    async () => sameCaller(principal, await authenticateAdmin(deps, headers)),
    signal,
  );
  const events = followAllSessions(deps.events, access.signal);
  async function* read(): AsyncGenerator<SessionEvent> {
    try {
      yield* events;
    } finally {
      access.release();
    }
  }
  return read();
}
