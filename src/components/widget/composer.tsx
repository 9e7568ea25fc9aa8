"use client";

import { useTranslations } from "next-intl";
import { forwardRef, type FormEvent, type KeyboardEvent } from "react";
import { MESSAGE_MAX_CHARS } from "~/shared/limits";
import { SendIcon, StopIcon } from "./icons";

const MAX_CHARS = MESSAGE_MAX_CHARS;
/** The character counter shows from here on. */
const COUNT_FROM = MAX_CHARS - 500;

interface Props {
  draft: string;
  onDraftChange: (text: string) => void;
  onSend: (text: string) => void;
  onStop: () => void;
  /** A reply is on its way in this conversation: the send button becomes a stop button. */
  busy: boolean;
  disabled: boolean;
}

/** Enter sends, Shift+Enter starts a new line; the text is kept until the message is really sent. */
export const Composer = forwardRef<HTMLTextAreaElement, Props>(function Composer(
  { draft, onDraftChange, onSend, onStop, busy, disabled },
  ref,
) {
  const t = useTranslations("Widget.composer");
  const text = draft.trim();
  // No maxLength on the textarea: it would cut a long paste silently. Over the limit, the counter says so and
  // the message is not sent.
  const over = text.length - MAX_CHARS;
  const canSend = !busy && !disabled && text.length > 0 && over <= 0;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (canSend) onSend(text);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form className="vc-composer" onSubmit={submit}>
      <label htmlFor="vc-input" className="vc-sr">
        {t("label")}
      </label>
      <textarea
        id="vc-input"
        ref={ref}
        className="vc-input"
        rows={1}
        placeholder={t("placeholder")}
        aria-describedby={text.length >= COUNT_FROM ? "vc-input-hint vc-input-count" : "vc-input-hint"}
        aria-invalid={over > 0 || undefined}
        value={draft}
        disabled={disabled}
        onChange={(event) => onDraftChange(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <span id="vc-input-hint" className="vc-sr">
        {t("hint")}
      </span>
      {text.length >= COUNT_FROM && (
        <span id="vc-input-count" className="vc-count" data-over={over > 0 || undefined} aria-live="polite">
          {over > 0
            ? t("tooLong", { over, max: MAX_CHARS })
            : t("count", { count: text.length, max: MAX_CHARS })}
        </span>
      )}
      {busy ? (
        <button type="button" className="vc-send vc-stop" onClick={onStop} aria-label={t("stop")}>
          <StopIcon />
        </button>
      ) : (
        <button type="submit" className="vc-send" disabled={!canSend} aria-label={t("send")}>
          <SendIcon />
        </button>
      )}
    </form>
  );
});
