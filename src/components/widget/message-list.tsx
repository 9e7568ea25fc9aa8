"use client";

import { useTranslations } from "next-intl";
import { useLayoutEffect, useRef, useState, type ReactNode } from "react";
import type { ChatItem } from "./chat-items";
import { ArrowDownIcon } from "./icons";
import { MessageBubble } from "./message-bubble";
import type { ReplyRating } from "./reply-feedback";

interface Props {
  items: ChatItem[];
  greeting: string;
  assistantName: string;
  /** Offered on an empty conversation; a click sends one. */
  suggestedPrompts: string[];
  onPrompt: (text: string) => void;
  loading: boolean;
  onRetry: (item: ChatItem) => void;
  /** Changes when the visitor sends: scroll to the bottom whatever the position. */
  sentCount: number;
  feedbackOf: (item: ChatItem) => ReplyRating | null;
  onRate: (messageId: string, rating: ReplyRating | null, comment?: string) => Promise<boolean>;
  /** Shown after the last message (e.g. the offer to rate the conversation). */
  footer?: ReactNode;
}

/** Pixels from the bottom within which the list counts as "at the bottom" and follows new text. */
const STICKY_PX = 80;

/**
 * The conversation. Follows new text while the visitor is at the bottom; once they scroll up it stays put and
 * offers a "new messages" button instead of pulling them down.
 */
export function MessageList({
  items,
  greeting,
  assistantName,
  suggestedPrompts,
  onPrompt,
  loading,
  onRetry,
  sentCount,
  feedbackOf,
  onRate,
  footer,
}: Props) {
  const t = useTranslations("Widget.messages");
  const scroller = useRef<HTMLDivElement>(null);
  const stuck = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const lastLength = items.at(-1)?.content.length ?? 0;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (stuck.current) element.scrollTop = element.scrollHeight;
    else setShowJump(true);
  }, [items.length, lastLength, footer]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    stuck.current = true;
    setShowJump(false);
    element.scrollTop = element.scrollHeight;
  }, [sentCount]);

  function onScroll() {
    const element = scroller.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_PX;
    stuck.current = atBottom;
    if (atBottom) setShowJump(false);
  }

  function jump() {
    const element = scroller.current;
    if (!element) return;
    stuck.current = true;
    setShowJump(false);
    element.scrollTo({ top: element.scrollHeight, behavior: "smooth" });
  }

  return (
    <div className="vc-scroll" ref={scroller} onScroll={onScroll}>
      {/* The log role sits on a wrapper: on the <ol> itself it would take away the list (and orphan the <li>s). */}
      <div role="log" aria-live="off" aria-label={t("conversation")}>
        <ol className="vc-messages">
          <li className="vc-msg vc-msg-assistant vc-greeting">
            <span className="vc-sr">{`${assistantName}:`}</span>
            <div className="vc-bubble" dir="auto">
              <p>{greeting}</p>
            </div>
          </li>
          {loading && (
            <li className="vc-loading" aria-label={t("loading")}>
              <span className="vc-skeleton" />
              <span className="vc-skeleton vc-skeleton-short" />
            </li>
          )}
          {items.map((item) => (
            <MessageBubble
              key={item.key}
              item={item}
              onRetry={onRetry}
              assistantName={assistantName}
              feedback={feedbackOf(item)}
              onRate={onRate}
            />
          ))}
        </ol>
      </div>
      {!loading && items.length === 0 && suggestedPrompts.length > 0 && (
        <div className="vc-prompts" role="group" aria-label={t("suggestedPrompts")}>
          {suggestedPrompts.map((prompt) => (
            <button key={prompt} type="button" className="vc-prompt" onClick={() => onPrompt(prompt)}>
              {prompt}
            </button>
          ))}
        </div>
      )}
      {footer}
      {showJump && (
        <button type="button" className="vc-jump" onClick={jump}>
          <ArrowDownIcon /> {t("jumpToLatest")}
        </button>
      )}
    </div>
  );
}
