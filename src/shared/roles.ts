/**
 * The team's roles and the API keys' scopes (the server's schemas and the admin pages import them). What each may
 * do is decided in one place: src/server/admin/auth/roles.ts.
 */

/** admin: everything; agent: the inbox and the team's daily reads (src/server/admin/auth/roles.ts). */
export const ADMIN_ROLES = ["admin", "agent"] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** An API key's scope: admin (everything), agent (what an agent may do), read (an agent's GET routes only). */
export const API_KEY_SCOPES = ["admin", "agent", "read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Characters in the agent name a call or an API key gives (shown to the visitor). */
export const AGENT_NAME_MAX_CHARS = 80;

/** Characters in a team member's display name (shown to visitors when they answer). */
export const ADMIN_USER_NAME_MAX_CHARS = 100;
