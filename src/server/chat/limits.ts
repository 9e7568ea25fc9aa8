import { MESSAGE_MAX_CHARS } from "./messages/message-limits";

/** Limits on what visitors may send. Documented in README.md ("Limits"); enforced by the zod schemas. */
export const LIMITS = {
  /** Characters in one chat message, after trimming (shared with the widget: messages/message-limits.ts). */
  messageMaxChars: MESSAGE_MAX_CHARS,
  /** Characters in a session title, after trimming. */
  titleMaxChars: 200,
  /** Length of a title derived from the first message. */
  derivedTitleMaxChars: 80,
  /** UTF-8 bytes of a visitor's metadata, serialized as JSON. */
  metadataMaxBytes: 8 * 1024,
  /** Items in one page of a list. */
  pageMaxItems: 100,
  pageDefaultItems: 20,
  /** Earlier messages of the session handed to the responder as history. */
  historyMaxMessages: 50,
} as const;

/**
 * PostgreSQL cannot store U+0000 in text or jsonb (the insert fails), so text that visitors send is refused at
 * validation with a 400 instead, on both databases alike.
 */
export function hasNoNul(value: string): boolean {
  return !value.includes("\u0000");
}

/** hasNoNul for every key and string inside a JSON value. */
export function jsonHasNoNul(value: unknown): boolean {
  if (typeof value === "string") return hasNoNul(value);
  if (Array.isArray(value)) return value.every(jsonHasNoNul);
  if (value !== null && typeof value === "object")
    return Object.entries(value).every(([key, item]) => hasNoNul(key) && jsonHasNoNul(item));
  return true;
}
