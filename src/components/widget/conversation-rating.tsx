"use client";

import { useId, useState, type FormEvent } from "react";
import { FEEDBACK_COMMENT_MAX } from "./reply-feedback";
import { WIDGET_TEXT } from "./strings";

const STARS = [1, 2, 3, 4, 5] as const;
const STAR_LABELS = ["Poor", "Fair", "Good", "Very good", "Excellent"] as const;

interface Props {
  /** Saves the rating; resolves false if it could not be saved. */
  onRate: (rating: number, comment?: string) => Promise<boolean>;
  /** "Not now": hides the offer. */
  onDismiss: () => void;
  /** Called once a rating is saved (e.g. to stop offering it for this conversation). */
  onRated?: (rating: number) => void;
}

/**
 * The offer to rate a whole conversation, 1–5 with an optional comment. Reusable: the chat shows it after the
 * conversation has been idle following an answer; closing a live conversation can show it too.
 */
export function ConversationRating({ onRate, onDismiss, onRated }: Props) {
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [status, setStatus] = useState<"idle" | "saving" | "saved" | "failed">("idle");
  const labelId = useId();
  const commentId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (rating === null) return;
    setStatus("saving");
    const ok = await onRate(rating, comment.trim() || undefined);
    setStatus(ok ? "saved" : "failed");
    if (ok) onRated?.(rating);
  }

  if (status === "saved") {
    return (
      <section className="vc-rating" aria-label={WIDGET_TEXT.ratingQuestion}>
        <p role="status">{WIDGET_TEXT.ratingThanks}</p>
      </section>
    );
  }
  return (
    <section className="vc-rating" aria-labelledby={labelId}>
      <form onSubmit={(event) => void submit(event)}>
        <fieldset>
          <legend id={labelId}>{WIDGET_TEXT.ratingQuestion}</legend>
          <div className="vc-stars">
            {STARS.map((value) => (
              <label key={value} className="vc-star" data-on={rating !== null && value <= rating}>
                <input
                  type="radio"
                  name="vc-rating"
                  value={value}
                  checked={rating === value}
                  onChange={() => setRating(value)}
                />
                <span aria-hidden="true">★</span>
                <span className="vc-sr">
                  {value} of 5, {STAR_LABELS[value - 1]}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {rating !== null && (
          <>
            <label htmlFor={commentId} className="vc-sr">
              Comment (optional)
            </label>
            <textarea
              id={commentId}
              rows={2}
              maxLength={FEEDBACK_COMMENT_MAX}
              placeholder="Anything to add? (optional)"
              value={comment}
              onChange={(event) => setComment(event.target.value)}
            />
          </>
        )}
        <div className="vc-feedback-actions">
          <button type="submit" className="vc-small-button" disabled={rating === null || status === "saving"}>
            Send rating
          </button>
          <button type="button" className="vc-link-button" onClick={onDismiss}>
            Not now
          </button>
          {status === "failed" && <span role="alert">{WIDGET_TEXT.ratingFailed}</span>}
        </div>
      </form>
    </section>
  );
}
