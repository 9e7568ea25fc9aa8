/** Limits of the widget settings, without zod: the admin page's browser code imports these (zod would bring its
 * eval probe, which the pages' CSP reports). */
export const MAX_SUGGESTED_PROMPTS = 4;
export const MAX_ALLOWED_ORIGINS = 50;
/** A data: URL of at most this many characters (about 48 KB of image). */
export const MAX_AVATAR_LENGTH = 65_536;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
