/** Who answers the visitor (rules: src/server/chat/handoff/handoff-rules.ts). Pure: the browser imports it too. */
export const SESSION_MODES = ["bot", "waiting", "agent", "closed"] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

export function isSessionMode(value: string): value is SessionMode {
  return (SESSION_MODES as readonly string[]).includes(value);
}

/** Where the visitor's request for a person stands (POST and GET /api/chats/sessions/{id}/handoff/). */
export const HANDOFF_STATUSES = ["none", "waiting", "agent", "unavailable"] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];
