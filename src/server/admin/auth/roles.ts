import type { AdminRole, ApiKeyScope } from "~/shared/roles";

/**
 * Who may use a route or page, the one rule of roles (the admin procedures' middleware, the REST-only routes and
 * the admin pages all ask `mayAccess`):
 * - `agent`: the inbox, sessions, visitors (read), knowledge (read), reports and the team's own tools — open to
 *   agents, agent-scoped keys, and (for reads) read-scoped keys;
 * - `admin` (the default of every route and page): settings, API keys, webhooks, users, audit, exports, erasure,
 *   editing knowledge — only admins and admin-scoped keys (and the bootstrap ADMIN_API_KEY).
 */
export type AccessLevel = "agent" | "admin";

/** What an authenticated caller holds: a signed-in user's role, or a key's scope. */
export type Grant = { role: AdminRole } | { scope: ApiKeyScope };

/** `write`: the call changes something (a mutation, a POST/PUT/PATCH/DELETE); a read-scoped key only reads. */
export function mayAccess(grant: Grant, level: AccessLevel, write: boolean): boolean {
  const rank = "role" in grant ? grant.role : grant.scope;
  if (rank === "admin") return true;
  if (level === "admin") return false;
  return rank === "agent" || !write;
}
