"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import type { FeedbackRating } from "~/shared/feedback";
import { FEEDBACK_COMMENT_MAX_CHARS } from "~/shared/limits";
import { ThumbDownIcon, ThumbUpIcon } from "./icons";

export type ReplyRating = FeedbackRating;

interface Props {
  rating: ReplyRating | null;
  /** Saves the rating (null withdraws it); resolves false if it could not be saved. */
  onRate: (rating: ReplyRating | null, comment?: string) => Promise<boolean>;
}

/**
 * Thumbs up/down under a finished reply. Pressing the pressed one again withdraws the rating; a thumbs-down
 * opens an optional comment. The buttons are toggle buttons (aria-pressed) in a labelled group.
 */
export function ReplyFeedback({ rating, onRate }: Props) {
  const t = useTranslations("Widget.feedback");
  const [commenting, setCommenting] = useState(false);
  const [comment, setComment] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const commentId = useId();

  async function save(next: ReplyRating | null, text?: string) {
    setBusy(true);
    const ok = await onRate(next, text);
    setBusy(false);
    setStatus(ok ? (next === null ? "" : t("thanks")) : t("failed"));
    return ok;
  }

  async function choose(choice: ReplyRating) {
    const next = rating === choice ? null : choice;
    const ok = await save(next);
    setCommenting(ok && next === "down");
    if (next !== "down") setComment("");
  }

  async function sendComment(event: FormEvent) {
    event.preventDefault();
    if (await save("down", comment.trim())) setCommenting(false);
  }

  return (
    <div className="vc-feedback">
      <div className="vc-feedback-buttons" role="group" aria-label={t("question")}>
        <button
          type="button"
          className="vc-thumb"
          aria-pressed={rating === "up"}
          aria-label={t("helpful")}
          title={t("helpful")}
          disabled={busy}
          onClick={() => void choose("up")}
        >
          <ThumbUpIcon />
        </button>
        <button
          type="button"
          className="vc-thumb"
          aria-pressed={rating === "down"}
          aria-label={t("notHelpful")}
          title={t("notHelpful")}
          disabled={busy}
          onClick={() => void choose("down")}
        >
          <ThumbDownIcon />
        </button>
        <span className="vc-feedback-status" role="status">
          {status}
        </span>
      </div>
      {commenting && (
        <form className="vc-feedback-comment" onSubmit={(event) => void sendComment(event)}>
          <label htmlFor={commentId}>{t("commentLabel")}</label>
          <textarea
            id={commentId}
            rows={2}
            maxLength={FEEDBACK_COMMENT_MAX_CHARS}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
          />
          <div className="vc-feedback-actions">
            <button type="submit" className="vc-small-button" disabled={busy || comment.trim() === ""}>
              {t("send")}
            </button>
            <button type="button" className="vc-link-button" onClick={() => setCommenting(false)}>
              {t("skip")}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
