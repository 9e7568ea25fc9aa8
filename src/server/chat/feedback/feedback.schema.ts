import { z } from "zod";
import { FEEDBACK_RATINGS, SESSION_RATING_MAX, SESSION_RATING_MIN } from "~/shared/feedback";
import { FEEDBACK_COMMENT_MAX_CHARS } from "~/shared/limits";
import { idSchema, visitorIdSchema } from "../ids";
import { plainText, wellFormedText } from "../limits";

/** Defined once in src/shared/ (the browser imports them from there). */
export { FEEDBACK_COMMENT_MAX_CHARS } from "~/shared/limits";
export {
  FEEDBACK_RATINGS,
  SESSION_RATING_MAX,
  SESSION_RATING_MIN,
  type FeedbackRating,
} from "~/shared/feedback";

const commentSchema = z
  .string({ error: "comment must be a string" })
  .trim()
  .max(FEEDBACK_COMMENT_MAX_CHARS, `comment must be at most ${FEEDBACK_COMMENT_MAX_CHARS} characters`)
  .check(plainText("comment"))
  .check(wellFormedText("comment"))
  .nullable()
  .optional()
  .meta({
    description: `What was wrong or right (optional, up to ${FEEDBACK_COMMENT_MAX_CHARS} characters).`,
  });

export const messageFeedbackInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The assistant message's id." }),
  visitor_id: visitorIdSchema,
  rating: z
    .enum(FEEDBACK_RATINGS, { error: 'rating must be "up", "down" or null (null withdraws the rating)' })
    .nullable()
    .meta({
      description: "up: helpful; down: not helpful; null withdraws an earlier rating.",
      example: "down",
    }),
  comment: commentSchema,
});
export type MessageFeedbackInput = z.infer<typeof messageFeedbackInputSchema>;

export const messageFeedbackSchema = z
  .object({
    message_id: z.uuid(),
    rating: z.enum(FEEDBACK_RATINGS).nullable().meta({ description: "null once withdrawn." }),
    comment: z.string().nullable(),
    updated_at: z.iso.datetime().nullable().meta({ description: "null once withdrawn." }),
  })
  .meta({ id: "MessageFeedback" });
export type MessageFeedbackDto = z.infer<typeof messageFeedbackSchema>;

export const sessionRatingInputSchema = z.strictObject({
  id: idSchema.meta({ description: "The session's id." }),
  visitor_id: visitorIdSchema,
  rating: z
    .number({ error: `rating must be a whole number from ${SESSION_RATING_MIN} to ${SESSION_RATING_MAX}` })
    .int(`rating must be a whole number from ${SESSION_RATING_MIN} to ${SESSION_RATING_MAX}`)
    .min(SESSION_RATING_MIN, `rating must be at least ${SESSION_RATING_MIN}`)
    .max(SESSION_RATING_MAX, `rating must be at most ${SESSION_RATING_MAX}`)
    .meta({ description: `${SESSION_RATING_MIN} (poor) to ${SESSION_RATING_MAX} (excellent).`, example: 5 }),
  comment: commentSchema,
});
export type SessionRatingInput = z.infer<typeof sessionRatingInputSchema>;

export const sessionRatingSchema = z
  .object({
    session_id: z.uuid(),
    rating: z.number().int().min(SESSION_RATING_MIN).max(SESSION_RATING_MAX),
    comment: z.string().nullable(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: "SessionRating" });
export type SessionRatingDto = z.infer<typeof sessionRatingSchema>;
