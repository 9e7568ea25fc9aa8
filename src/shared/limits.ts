/**
 * Length limits that the server's zod schemas enforce and the browser's inputs show (a counter, `maxLength`).
 * Pure (no imports). The server's LIMITS (src/server/chat/limits.ts) takes its numbers from here.
 */

/** Characters in one chat message, after trimming: a visitor's (the widget's composer) or an agent's (the inbox). */
export const MESSAGE_MAX_CHARS = 4000;
/** Characters in a session title, after trimming (the widget's rename field). */
export const SESSION_TITLE_MAX_CHARS = 200;
/** Characters a feedback comment (on a reply, or on a whole conversation) may have, after trimming. */
export const FEEDBACK_COMMENT_MAX_CHARS = 1000;

/** Characters in an API key's name (/admin/api-keys). */
export const API_KEY_NAME_MAX_CHARS = 100;
/** Knowledge articles (/admin/knowledge): a title, a slug, a body (a long help article is a few thousand). */
export const ARTICLE_TITLE_MAX_CHARS = 200;
export const ARTICLE_SLUG_MAX_CHARS = 80;
export const ARTICLE_BODY_MAX_CHARS = 60_000;
/** Characters of the knowledge base's search text. */
export const ARTICLE_SEARCH_MAX_CHARS = 200;
/** Characters in a saved answer-test suite's name (/admin/knowledge/tests, "Add to suite" on /admin/gaps). */
export const ANSWER_TEST_SUITE_NAME_MAX_CHARS = 200;
/** A team member's password (sign-in, invitations, /admin/profile): at least and at most this many characters. */
export const PASSWORD_MIN_CHARS = 12;
export const PASSWORD_MAX_CHARS = 256;
