/** Conversation labels (the inbox header, `PUT /api/admin/sessions/{id}/labels/`): their limits, defined once. */

/** Characters in one label, after trimming. */
export const LABEL_MAX_CHARS = 40;
/** Labels on one conversation. */
export const LABELS_PER_SESSION_MAX = 20;
