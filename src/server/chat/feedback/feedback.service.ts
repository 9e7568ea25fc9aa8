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

/** A unique-key race (two first ratings at once): the second writer retries and updates instead. */
async function upsertOnce<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) return write();
    throw error;
  }
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
  const row = await upsertOnce(() =>
    commitChange(deps, {
      writes: [
        deps.db.messageFeedback.upsert({
          where: { message_id: message.id },
          create: {
            message_id: message.id,
            session_id: session.id,
            visitor_id: session.visitor_id,
            rating,
            comment,
            created_at: now,
            updated_at: now,
          },
          update: { rating, comment, updated_at: now },
        }),
      ],
      // Webhook receivers are told of each rating given (or changed), in the same transaction (the outbox).
      events: [{ type: "feedback.created", data: payload }],
      at: now,
    })
      .then(([saved]) => saved)
      .catch((error: unknown) => {
        // The message (or its session) was deleted between the ownership check and the write.
        if (isForeignKeyViolation(error)) {
          throw new AppError("MESSAGE_NOT_FOUND", { cause: error });
        }
        throw error;
      }),
  );
  return {
    message_id: row.message_id,
    rating: row.rating,
    comment: row.comment,
    updated_at: row.updated_at.toISOString(),
  };
}

/** Rates a whole conversation (1–5) of the visitor's own: one rating per session, replaced by the next. */
export async function rateSession(deps: ChatDeps, input: SessionRatingInput): Promise<SessionRatingDto> {
  const session = await findOwnedSession(deps.db, input.id, input.visitor_id);
  const now = new Date();
  const comment = input.comment ? input.comment : null;
  try {
    const row = await upsertOnce(() =>
      deps.db.sessionRating.upsert({
        where: { session_id: session.id },
        create: {
          session_id: session.id,
          visitor_id: session.visitor_id,
          rating: input.rating,
          comment,
          created_at: now,
          updated_at: now,
        },
        update: { rating: input.rating, comment, updated_at: now },
      }),
    );
    return {
      session_id: row.session_id,
      rating: row.rating,
      comment: row.comment,
      updated_at: row.updated_at.toISOString(),
    };
  } catch (error) {
    // The session was deleted between the ownership check and the write.
    if (isForeignKeyViolation(error)) {
      throw new AppError("SESSION_NOT_FOUND", { cause: error });
    }
    throw error;
  }
}
