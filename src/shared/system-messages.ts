/**
 * The visible steps of a conversation, stored as messages with role `system` and one of these kinds (written in
 * the mode change's transaction, src/server/chat/messages/handoff-steps.ts). Readers render them from the kind in
 * their own language (`SystemMessages.<kind>` in messages/<locale>.json). Pure: the browser imports it too.
 *
 * - agent_joined: an agent claimed the conversation (author_name: who);
 * - handed_back: it went back to the assistant (an agent released it);
 * - closed: an agent closed it (the widget offers the rating);
 * - reopened: the visitor wrote in a closed conversation (in the widget or by email).
 */
export const SYSTEM_MESSAGE_KINDS = ["agent_joined", "handed_back", "closed", "reopened"] as const;
export type SystemMessageKind = (typeof SYSTEM_MESSAGE_KINDS)[number];

export function isSystemMessageKind(value: unknown): value is SystemMessageKind {
  return (SYSTEM_MESSAGE_KINDS as readonly unknown[]).includes(value);
}
