/**
 * The length limit of a chat message, shared with the widget (its composer counts towards it). Pure, with no
 * imports, like message-status.ts: the ESLint boundary of eslint.config.mjs lets browser code import these two
 * modules of src/server and nothing else. LIMITS.messageMaxChars (../limits.ts) is this number.
 */
/** Characters in one chat message, after trimming. */
export const MESSAGE_MAX_CHARS = 4000;
