"use client";

import { lazy, memo, Suspense } from "react";
import { CopyButton } from "./copy-button";
import type { ChatItem } from "./chat-items";
import { fullTime, messageTime } from "./format-time";
import { ReplyFeedback, type ReplyRating } from "./reply-feedback";
import { WIDGET_TEXT } from "./strings";

// react-markdown and its parsers are a separate chunk, fetched as soon as this module runs in the browser
// (not on first render of a message), so the first paint does not wait for it and raw markdown rarely shows.
const loadMarkdown = () => import("./markdown");
if (typeof window !== "undefined") void loadMarkdown();
const Markdown = lazy(loadMarkdown);

function Body({ text, breaks }: { text: string; breaks: boolean }) {
  return (
    <Suspense fallback={<p className="vc-plain">{text}</p>}>
      <Markdown text={text} breaks={breaks} />
    </Suspense>
  );
}

function TypingDots() {
  return (
    <span className="vc-typing" role="img" aria-label="The assistant is typing">
      <span />
      <span />
      <span />
    </span>
  );
}

/** The help articles a reply is grounded in, as links under it (opened in a new tab: the widget is a frame). */
function Sources({ sources }: { sources: ChatItem["sources"] }) {
  return (
    <nav className="vc-sources" aria-label="Sources">
      <span className="vc-sources-label">Sources:</span>
      <ul>
        {sources.map((source) => (
          <li key={source.url}>
            <a href={source.url} target="_blank" rel="noopener">
              {source.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const STATE_LABEL: Partial<Record<ChatItem["state"], string>> = {
  sending: "Sending…",
  waiting: "Not sent yet: waiting for the connection…",
  rejected: "Not sent.",
  failed: "The reply failed.",
  stopped: "Stopped.",
};

interface Props {
  item: ChatItem;
  onRetry: (item: ChatItem) => void;
  assistantName: string;
  /** The visitor's thumbs on this reply (assistant replies only). */
  feedback: ReplyRating | null;
  onRate: (messageId: string, rating: ReplyRating | null, comment?: string) => Promise<boolean>;
}

export const MessageBubble = memo(function MessageBubble({
  item,
  onRetry,
  assistantName,
  feedback,
  onRate,
}: Props) {
  const streaming = item.state === "streaming";
  const who =
    item.role === "user"
      ? WIDGET_TEXT.you
      : item.role === "agent"
        ? (item.authorName ?? WIDGET_TEXT.support)
        : assistantName;
  // A reply that failed before writing anything says so in its bubble (not an empty red box).
  const failedEmpty = item.state === "failed" && item.content === "";
  const note = failedEmpty ? undefined : STATE_LABEL[item.state];
  return (
    <li className={`vc-msg vc-msg-${item.role}`} data-state={item.state} aria-busy={streaming || undefined}>
      {item.role === "agent" ? (
        <span className="vc-author">{who}</span>
      ) : (
        <span className="vc-sr">{who}:</span>
      )}
      <div className="vc-bubble">
        {item.content !== "" && <Body text={item.content} breaks={item.role !== "assistant"} />}
        {failedEmpty && <p className="vc-failed-text">{WIDGET_TEXT.replyFailed}</p>}
        {streaming && <TypingDots />}
      </div>
      {item.role === "assistant" && !streaming && item.sources.length > 0 && (
        <Sources sources={item.sources} />
      )}
      <div className="vc-meta">
        {item.role === "assistant" && <span className="vc-author">{assistantName}</span>}
        <time dateTime={item.createdAt} title={fullTime(item.createdAt)}>
          {messageTime(item.createdAt)}
        </time>
        {note && (
          <span className="vc-note">
            {note}
            {item.error && item.state === "rejected" ? ` ${item.error}` : ""}
          </span>
        )}
        {item.role === "assistant" && !streaming && item.content !== "" && (
          <CopyButton text={item.content} label={WIDGET_TEXT.copyMessage} />
        )}
        {(item.retryText !== null || item.retryReplyId !== null) && (
          <button type="button" className="vc-link-button" onClick={() => onRetry(item)}>
            Retry
          </button>
        )}
      </div>
      {item.role === "assistant" && item.ratedId !== null && item.content !== "" && (
        <ReplyFeedback
          rating={feedback}
          onRate={(rating, comment) => onRate(item.ratedId ?? "", rating, comment)}
        />
      )}
    </li>
  );
});
