/** Characters a feedback comment (on a reply, or on a whole conversation) may have: the server's limit. */
export const FEEDBACK_COMMENT_MAX = 1000;
