"use client";

import { useTranslations } from "next-intl";
import { forwardRef, useRef, type FormEvent, type KeyboardEvent } from "react";
import { FilePicker } from "~/components/attachments/file-picker";
import { takeFiles } from "~/components/attachments/upload";
import { MESSAGE_MAX_CHARS } from "~/shared/limits";
import { PaperclipIcon, SendIcon, StopIcon } from "./icons";

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
  /** Files are waiting to go with the next message: it may be sent without text. */
  hasAttachments: boolean;
  /** The visitor chose, pasted or dropped files. */
  onAttach: (files: File[]) => void;
}

/** Enter sends, Shift+Enter starts a new line; the text is kept until the message is really sent. */
export const Composer = forwardRef<HTMLTextAreaElement, Props>(function Composer(
  { draft, onDraftChange, onSend, onStop, busy, disabled, hasAttachments, onAttach },
  ref,
) {
  const t = useTranslations("Widget.composer");
  const text = draft.trim();
  // No maxLength on the textarea: it would cut a long paste silently. Over the limit, the counter says so and
  // the message is not sent.
  const over = text.length - MAX_CHARS;
  const canSend = !busy && !disabled && (text.length > 0 || hasAttachments) && over <= 0;
  const picker = useRef<HTMLInputElement>(null);
  const tAttach = useTranslations("Widget.attachments");

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
    <form
      className="vc-composer"
      onSubmit={submit}
      onDragOver={(event) => {
        if (event.dataTransfer.types.includes("Files")) event.preventDefault();
      }}
      onDrop={(event) => takeFiles(event, event.dataTransfer, onAttach)}
    >
      <FilePicker ref={picker} testId="attach-input" onFiles={onAttach} />
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
        onPaste={(event) => takeFiles(event, event.clipboardData, onAttach)}
      />
      <span id="vc-input-hint" className="vc-sr">
        {t("hint")}
      </span>
      {/* After the text field: the keyboard reaches the composer first (the header, then the composer). */}
      <button
        type="button"
        className="vc-attach"
        aria-label={tAttach("attach")}
        title={tAttach("attach")}
        disabled={disabled}
        onClick={() => picker.current?.click()}
      >
        <PaperclipIcon />
      </button>
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
