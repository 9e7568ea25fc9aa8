/** A visitor's thumbs on an assistant reply. Pure (no imports): the widget imports it too. */
export const FEEDBACK_RATINGS = ["up", "down"] as const;
export type FeedbackRating = (typeof FEEDBACK_RATINGS)[number];

/** A whole conversation's rating: a whole number from SESSION_RATING_MIN (poor) to SESSION_RATING_MAX (excellent). */
export const SESSION_RATING_MIN = 1;
export const SESSION_RATING_MAX = 5;
