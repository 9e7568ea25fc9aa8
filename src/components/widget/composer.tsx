"use client";

import { forwardRef, type FormEvent, type KeyboardEvent } from "react";
import { SendIcon, StopIcon } from "./icons";

const MAX_CHARS = 4000;

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
  const text = draft.trim();
  const canSend = !busy && !disabled && text.length > 0;

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
        Message
      </label>
      <textarea
        id="vc-input"
        ref={ref}
        className="vc-input"
        rows={1}
        maxLength={MAX_CHARS}
        placeholder="Write a message…"
        aria-describedby="vc-input-hint"
        value={draft}
        disabled={disabled}
        onChange={(event) => onDraftChange(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <span id="vc-input-hint" className="vc-sr">
        Enter sends, Shift+Enter adds a new line.
      </span>
      {busy ? (
        <button type="button" className="vc-send vc-stop" onClick={onStop} aria-label="Stop the reply">
          <StopIcon />
        </button>
      ) : (
        <button type="submit" className="vc-send" disabled={!canSend} aria-label="Send message">
          <SendIcon />
        </button>
      )}
    </form>
  );
});
