/**
 * Visitor metadata the team reads in the visitor's context panel (inbox, transcript page): the widget's facts
 * (`user_agent` as the browser and OS, `locale`, `page_url`, `referrer`) and identify()'s unproven ones (`name`,
 * `unverified_user_id`), read by src/server/admin/sessions/visitor-context.ts. Anything else (what the host page
 * passed to identify(), e.g. a plan) is shown beside it as the visitor's other details.
 */
export const CONTEXT_METADATA_KEYS = [
  "user_agent",
  "locale",
  "page_url",
  "referrer",
  "name",
  "unverified_user_id",
] as const;

/** The metadata the context panel does not show (an empty object when it shows it all). */
export function metadataBeyondContext(metadata: Record<string, unknown>): Record<string, unknown> {
  const shown: readonly string[] = CONTEXT_METADATA_KEYS;
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !shown.includes(key)));
}

/** The raw user agent string, kept reachable where the panel shows it parsed (a title); null if none. */
export function rawUserAgent(metadata: Record<string, unknown>): string | null {
  const value = metadata.user_agent;
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
