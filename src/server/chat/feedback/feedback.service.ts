import type { ChatDeps } from "../deps";
import { isForeignKeyViolation, isUniqueViolation } from "../../db/errors";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../ids";
import { findOwnedSession } from "../sessions/sessions.service";
import type {
  MessageFeedbackDto,
  MessageFeedbackInput,
  SessionRatingDto,
  SessionRatingInput,
} from "./feedback.schema";
import { commitChange } from "../events/commit-change";
import { requireMayWrite } from "../visitors/identify-visitor";

/**
 * Stores a rating (one per rated thing, replaced by the next): a unique-key race (two first ratings at once) is
 * retried once and updates instead; the rated message or session deleted meanwhile is `gone`.
 */
async function saveRating<T>(
  write: () => Promise<T>,
  gone: "MESSAGE_NOT_FOUND" | "SESSION_NOT_FOUND",
): Promise<T> {
  try {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) return await write();
      throw error;
    }
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new AppError(gone, { cause: error });
    throw error;
  }
}

/** The create and update of a rating's upsert: its key and owner, the rating and comment, the times. */
function ratingUpsert<Key extends object, Rating>(
  key: Key,
  rating: Rating,
  comment: string | null,
  now: Date,
) {
  return {
    create: { ...key, rating, comment, created_at: now, updated_at: now },
    update: { rating, comment, updated_at: now },
  };
}

/**
 * Rates (thumbs up/down) an assistant reply of one of the visitor's sessions: one rating per message, replaced
 * by the next; `rating: null` withdraws it. Refused: unknown message (404), another visitor's session (403),
 * a visitor's own message (400), a reply still being written (409).
 */
export async function rateMessage(deps: ChatDeps, input: MessageFeedbackInput): Promise<MessageFeedbackDto> {
  const message = isUuid(input.id)
    ? await deps.db.message.findUnique({
        where: { id: input.id },
        select: { id: true, session_id: true, role: true, status: true },
      })
    : null;
  if (!message) throw new AppError("MESSAGE_NOT_FOUND");
  const session = await findOwnedSession(deps.db, message.session_id, input.visitor_id);
  if (message.role !== "assistant") throw new AppError("FEEDBACK_ON_VISITOR_MESSAGE");
  if (message.status === "streaming") throw new AppError("REPLY_NOT_FINISHED");
  await requireMayWrite(deps, session.visitor_id);

  if (input.rating === null) {
    await deps.db.messageFeedback.deleteMany({ where: { message_id: message.id } });
    return { message_id: message.id, rating: null, comment: null, updated_at: null };
  }
  const rating = input.rating;
  const now = new Date();
  const comment = input.comment ? input.comment : null;
  const payload = {
    message_id: message.id,
    session_id: session.id,
    visitor_id: session.visitor_id,
    rating,
    comment,
    updated_at: now.toISOString(),
  };
  const key = { message_id: message.id, session_id: session.id, visitor_id: session.visitor_id };
  const row = await saveRating(
    () =>
      commitChange(deps, {
        writes: [
          deps.db.messageFeedback.upsert({
            where: { message_id: message.id },
            ...ratingUpsert(key, rating, comment, now),
          }),
        ],
        // Webhook receivers are told of each rating given (or changed), in the same transaction (the outbox).
        events: [{ type: "feedback.created", data: payload }],
        at: now,
      }).then(([saved]) => saved),
    "MESSAGE_NOT_FOUND",
  );
  return toMessageFeedbackDto(row);
}

/** Rates a whole conversation (1–5) of the visitor's own: one rating per session, replaced by the next. */
export async function rateSession(deps: ChatDeps, input: SessionRatingInput): Promise<SessionRatingDto> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  await requireMayWrite(deps, session.visitor_id);
  const now = new Date();
  const comment = input.comment ? input.comment : null;
  const key = { session_id: session.id, visitor_id: session.visitor_id };
  const row = await saveRating(
    () =>
      deps.db.sessionRating.upsert({
        where: { session_id: session.id },
        ...ratingUpsert(key, input.rating, comment, now),
      }),
    "SESSION_NOT_FOUND",
  );
  return toSessionRatingDto(row);
}

type RatingRow<Rating> = { rating: Rating; comment: string | null; updated_at: Date };

/** A stored reply rating as the API shows it. */
export function toMessageFeedbackDto(
  row: RatingRow<NonNullable<MessageFeedbackDto["rating"]>> & { message_id: string },
): MessageFeedbackDto {
  return { message_id: row.message_id, ...ratingFields(row) };
}

/** A stored conversation rating as the API shows it. */
export function toSessionRatingDto(row: RatingRow<number> & { session_id: string }): SessionRatingDto {
  return { session_id: row.session_id, ...ratingFields(row) };
}

function ratingFields<Rating>(row: RatingRow<Rating>) {
  return { rating: row.rating, comment: row.comment, updated_at: row.updated_at.toISOString() };
}
