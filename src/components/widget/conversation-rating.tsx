"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { SESSION_RATING_MAX, SESSION_RATING_MIN } from "~/shared/feedback";
import { FEEDBACK_COMMENT_MAX_CHARS } from "~/shared/limits";

const STARS = Array.from(
  { length: SESSION_RATING_MAX - SESSION_RATING_MIN + 1 },
  (_, index) => SESSION_RATING_MIN + index,
);
const STAR_LABELS = ["poor", "fair", "good", "veryGood", "excellent"] as const;

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
  const t = useTranslations("Widget.rating");
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
      <section className="vc-rating" aria-label={t("question")}>
        <p role="status">{t("thanks")}</p>
      </section>
    );
  }
  return (
    <section className="vc-rating" aria-labelledby={labelId}>
      <form onSubmit={(event) => void submit(event)}>
        <fieldset>
          <legend id={labelId}>{t("question")}</legend>
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
                <span aria-hidden="true">{"★"}</span>
                <span className="vc-sr">
                  {t("star", { value, label: t(STAR_LABELS[value - 1] ?? "good") })}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {rating !== null && (
          <>
            <label htmlFor={commentId} className="vc-sr">
              {t("commentLabel")}
            </label>
            <textarea
              id={commentId}
              rows={2}
              maxLength={FEEDBACK_COMMENT_MAX_CHARS}
              placeholder={t("commentPlaceholder")}
              value={comment}
              onChange={(event) => setComment(event.target.value)}
            />
          </>
        )}
        <div className="vc-feedback-actions">
          <button type="submit" className="vc-small-button" disabled={rating === null || status === "saving"}>
            {t("send")}
          </button>
          <button type="button" className="vc-link-button" onClick={onDismiss}>
            {t("notNow")}
          </button>
          {status === "failed" && <span role="alert">{t("failed")}</span>}
        </div>
      </form>
    </section>
  );
}
