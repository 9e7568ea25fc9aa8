"use client";

import { useLocale, useTranslations } from "next-intl";
import { lazy, memo, Suspense } from "react";
import { MessageAttachments } from "./attachments";
import { CopyButton } from "./copy-button";
import type { ChatItem } from "./chat-items";
import { fullTime, messageTime } from "./format-time";
import { ReplyFeedback, type ReplyRating } from "./reply-feedback";

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
  const t = useTranslations("Widget.messages");
  return (
    <span className="vc-typing" role="img" aria-label={t("typing")}>
      <span />
      <span />
      <span />
    </span>
  );
}

/** The help articles a reply is grounded in, as links under it (opened in a new tab: the widget is a frame). */
function Sources({ sources }: { sources: ChatItem["sources"] }) {
  const t = useTranslations("Widget.messages");
  return (
    <nav className="vc-sources" aria-label={t("sources")}>
      <span className="vc-sources-label">{t("sourcesLabel")}</span>
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

/** A visible step of the conversation ("Ada joined", "closed"), in the visitor's language from its kind. */
function SystemStep({ item }: { item: ChatItem }) {
  const t = useTranslations("Widget.messages");
  const locale = useLocale();
  const name = item.authorName ?? t("support");
  const text =
    item.kind === "agent_joined"
      ? t("system.agent_joined", { name })
      : item.kind === "handed_back"
        ? t("system.handed_back")
        : item.kind === "closed"
          ? item.authorName
            ? t("system.closed", { name })
            : t("system.closedNoName")
          : item.kind === "reopened"
            ? t("system.reopened")
            : item.content;
  return (
    <li className="vc-msg vc-msg-system" data-kind={item.kind ?? undefined}>
      <p className="vc-system">
        {text}{" "}
        <time dateTime={item.createdAt} title={fullTime(item.createdAt, locale)}>
          {messageTime(item.createdAt, locale)}
        </time>
      </p>
    </li>
  );
}

/** The states that say so under the message (Widget.messages.state.*). */
const NOTED_STATES = ["sending", "waiting", "rejected", "failed", "stopped"] as const;
type NotedState = (typeof NOTED_STATES)[number];
function isNoted(state: ChatItem["state"]): state is NotedState {
  return (NOTED_STATES as readonly string[]).includes(state);
}

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
  const t = useTranslations("Widget");
  const locale = useLocale();
  if (item.role === "system") return <SystemStep item={item} />;
  const streaming = item.state === "streaming";
  const who =
    item.role === "user"
      ? t("messages.you")
      : item.role === "agent"
        ? (item.authorName ?? t("messages.support"))
        : assistantName;
  // A reply that failed before writing anything says so in its bubble (not an empty red box).
  const failedEmpty = item.state === "failed" && item.content === "";
  const note = failedEmpty || !isNoted(item.state) ? undefined : t(`messages.state.${item.state}`);
  return (
    <li className={`vc-msg vc-msg-${item.role}`} data-state={item.state} aria-busy={streaming || undefined}>
      {item.role === "agent" ? (
        <span className="vc-author">{who}</span>
      ) : (
        <span className="vc-sr">{`${who}:`}</span>
      )}
      {/* Its own direction: an English reply in an Arabic chat reads left to right, and the other way round. */}
      <div className="vc-bubble" dir="auto">
        {item.content !== "" && <Body text={item.content} breaks={item.role !== "assistant"} />}
        {failedEmpty && <p className="vc-failed-text">{t("errors.replyFailed")}</p>}
        {streaming && <TypingDots />}
        <MessageAttachments attachments={item.attachments} />
      </div>
      {item.role === "assistant" && !streaming && item.sources.length > 0 && (
        <Sources sources={item.sources} />
      )}
      <div className="vc-meta">
        {item.role === "assistant" && <span className="vc-author">{assistantName}</span>}
        <time dateTime={item.createdAt} title={fullTime(item.createdAt, locale)}>
          {messageTime(item.createdAt, locale)}
        </time>
        {note && (
          <span className="vc-note">
            {note}
            {item.error && item.state === "rejected" ? ` ${item.error}` : ""}
          </span>
        )}
        {item.role === "assistant" && !streaming && item.content !== "" && (
          <CopyButton text={item.content} label={t("messages.copyMessage")} />
        )}
        {(item.retryText !== null || item.retryReplyId !== null) && (
          <button type="button" className="vc-link-button" onClick={() => onRetry(item)}>
            {t("messages.retry")}
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
