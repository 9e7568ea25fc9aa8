/** Limits on what visitors may send. Documented in README.md ("Limits"); enforced by the zod schemas. */
export const LIMITS = {
  /** Characters in one chat message, after trimming. */
  messageMaxChars: 4000,
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
