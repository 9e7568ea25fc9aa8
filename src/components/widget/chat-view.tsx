"use client";

import { useTranslations } from "next-intl";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { textOrNames } from "~/components/attachments/upload";
import { AttachmentVisitorContext, PendingAttachments, usePendingAttachments } from "./attachments";
import { mergeChatItems, type ChatItem } from "./chat-items";
import { Composer } from "./composer";
import { ConnectionNotice } from "./connection-notice";
import type { HostBridge } from "./host-bridge";
import { MessageList } from "./message-list";
import type { WidgetOptions } from "./options";
import { OfficeHoursNotice } from "./office-hours-notice";
import { SessionList } from "./session-list";
import { useActiveSession } from "./use-active-session";
import { useChatStream } from "./use-chat-stream";
import { useConversationRating, useIdleAfter, useReplyFeedback } from "./use-feedback";
import { HandoffBar } from "./handoff-bar";
import { useHandoff } from "./use-handoff";
import { useMessages } from "./use-messages";
import { overlayLive } from "./session-live";
import { useSessionEvents } from "./use-session-events";
import { LIST_ID, WidgetHeader } from "./widget-header";

// Not needed for the first paint: separate chunks, fetched when first shown.
const EraseConfirm = lazy(() => import("./erase-confirm"));
const ConversationRating = lazy(() =>
  import("./conversation-rating").then((module) => ({ default: module.ConversationRating })),
);

/** How long "thanks for rating" stays before the offer goes away. */
const RATED_THANKS_MS = 4000;

interface Props {
  options: WidgetOptions;
  visitorId: string;
  host: HostBridge | null;
  /** The visitor erased itself: start fresh with a new visitor. */
  onErased: () => void;
  /** The chat is on screen (its chunk loaded, first render committed). */
  onShown: () => void;
}

/** The chat once the visitor is known: the conversation list, the open conversation and the composer. */
export function ChatView({ options, visitorId, host, onErased, onShown }: Props) {
  const t = useTranslations("Widget");
  useEffect(onShown, [onShown]);
  const [confirmingErase, setConfirmingErase] = useState(false);
  const sessions = useActiveSession(visitorId);
  const { activeId } = sessions;
  const [listOpen, setListOpen] = useState(false);
  const [draft, setDraft] = useState("");
  const [sentCount, setSentCount] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const messages = useMessages(visitorId, activeId ?? null);

  const restoreDraft = useCallback(
    (text: string) => setDraft((current) => (current.trim() ? current : text)),
    [],
  );
  const chat = useChatStream({ visitorId, createSession: sessions.create, restoreDraft });
  const handoff = useHandoff({ visitorId, sessionId: activeId ?? null, createSession: sessions.create });
  const { create: createSession } = sessions;
  // Files go into the open conversation; with none open yet, it is created first (as sending would).
  const ensureSession = useCallback(
    () => (activeId ? Promise.resolve(activeId) : createSession()),
    [activeId, createSession],
  );
  const files = usePendingAttachments(visitorId, ensureSession);
  const pendingFiles = files.of(activeId ?? null);
  const live = useSessionEvents(visitorId, activeId ?? null, handoff.onSessionEvent);

  const { turnsOf } = chat;
  const items = useMemo(
    () => mergeChatItems(overlayLive(messages.data ?? [], live), turnsOf(activeId ?? null)),
    [messages.data, live, turnsOf, activeId],
  );

  const feedback = useReplyFeedback(visitorId);
  const rating = useConversationRating(visitorId);
  // Offer to rate the conversation once it has been idle for a while after a finished answer.
  const last = items.at(-1);
  const lastAnswer = last?.role === "assistant" && last.ratedId !== null ? last.ratedId : null;
  const idle = useIdleAfter(lastAnswer, options.ratingDelaySeconds * 1000);
  // An agent closing the conversation offers the rating at once.
  const closedByAgent = last?.role === "system" && last.kind === "closed";
  const offerRating =
    (idle || closedByAgent) && !!activeId && !rating.isSettled(activeId) && draft.trim() === "";

  const focusComposer = useCallback(() => input.current?.focus(), []);
  useHostFocus(host, focusComposer);
  useHostUnread(host, chat.announcement);
  useFocusListOnOpen(listOpen);

  function selectSession(id: string) {
    sessions.choose(id);
    setListOpen(false);
    focusComposer();
  }

  function newConversation() {
    setListOpen(false);
    focusComposer();
    // An empty conversation is already open: use it rather than piling up empty ones.
    if (activeId === null || (activeId && items.length === 0 && messages.isSuccess)) return;
    // Switch at once; the conversation is created in the background (and again on send if this fails).
    sessions.choose(null);
    sessions.create().catch(() => undefined);
  }

  function send(text: string) {
    handoff.visitorTyped("");
    // A message needs text: one of files only says their names (docs/widget.md).
    const attachments = files.take(activeId ?? null);
    chat.send(textOrNames(text, attachments), activeId ?? null, attachments);
    setDraft("");
    setSentCount((n) => n + 1);
  }

  function retry(item: ChatItem) {
    chat.retryReply(item, activeId ?? null);
    setSentCount((n) => n + 1);
  }

  function closeList() {
    setListOpen(false);
    toggle.current?.focus();
  }

  const retrying =
    chat.waiting ||
    sessions.list.failureCount > 0 ||
    (messages.failureCount > 0 && messages.fetchStatus === "fetching") ||
    messages.isError ||
    sessions.list.isError;

  function retryNow() {
    chat.retryWaitingNow();
    void sessions.list.refetch();
    if (activeId) void messages.refetch();
  }

  return (
    <AttachmentVisitorContext.Provider value={visitorId}>
      <WidgetHeader
        title={options.title}
        subtitle={options.subtitle}
        avatar={options.assistantAvatar}
        listOpen={listOpen}
        listId={LIST_ID}
        toggleRef={toggle}
        onToggleList={() => setListOpen((open) => !open)}
        onNew={newConversation}
        onClose={host ? () => host.close() : undefined}
        onEraseRequest={() => setConfirmingErase(true)}
      />
      {confirmingErase && (
        <Suspense fallback={null}>
          <EraseConfirm
            visitorId={visitorId}
            onErased={onErased}
            onCancel={() => setConfirmingErase(false)}
          />
        </Suspense>
      )}
      <div
        className="vc-body"
        data-list-open={listOpen || undefined}
        onKeyDown={(event) => {
          if (event.key !== "Escape") return;
          if (listOpen) closeList();
          else if (host) host.close();
        }}
      >
        <SessionList
          id={LIST_ID}
          sessions={sessions.items}
          activeId={activeId ?? null}
          loading={sessions.list.isPending}
          onSelect={selectSession}
          onRename={sessions.rename}
          onDelete={sessions.remove}
        />
        <main className="vc-chat" aria-label={t("chat")}>
          {options.aiDisclosure && (
            <p className="vc-ai-disclosure" data-testid="ai-disclosure">
              {t("aiDisclosure")}
            </p>
          )}
          <ConnectionNotice retrying={retrying} onRetryNow={retryNow} />
          <OfficeHoursNotice hours={options.officeHours} />
          <MessageList
            items={items}
            greeting={options.greeting}
            assistantName={options.assistantName}
            suggestedPrompts={options.suggestedPrompts}
            onPrompt={send}
            loading={activeId === undefined || (activeId !== null && messages.isPending)}
            onRetry={retry}
            sentCount={sentCount}
            feedbackOf={feedback.feedbackOf}
            onRate={feedback.rate}
            footer={
              offerRating &&
              activeId && (
                <Suspense fallback={null}>
                  <ConversationRating
                    key={activeId}
                    onRate={(value, comment) => rating.rate(activeId, value, comment)}
                    onDismiss={() => rating.settle(activeId)}
                    // Keep the thanks in view a moment, then stop offering it for this conversation.
                    onRated={() => setTimeout(() => rating.settle(activeId), RATED_THANKS_MS)}
                  />
                </Suspense>
              )
            }
          />
          <PendingAttachments
            attachments={pendingFiles}
            uploading={files.uploading}
            error={files.error}
            onRemove={files.remove}
          />
          <Composer
            hasAttachments={pendingFiles.length > 0}
            onAttach={(chosen) => void files.attach(chosen)}
            ref={input}
            draft={draft}
            onDraftChange={(text) => {
              setDraft(text);
              handoff.visitorTyped(text);
            }}
            onSend={send}
            onStop={() => chat.stop(activeId ?? null)}
            busy={chat.busy(activeId ?? null)}
            disabled={false}
          />
          {/* Below the composer: the keyboard reaches the composer first, then "Talk to a person". */}
          <HandoffBar handoff={handoff} />
        </main>
      </div>
      <div className="vc-sr" aria-live="polite" aria-atomic="true">
        {chat.announcement}
      </div>
    </AttachmentVisitorContext.Provider>
  );
}

/** Inside the embed's frame: ready to type as soon as the frame exists, and whenever the chat is opened. */
function useHostFocus(host: HostBridge | null, focusComposer: () => void) {
  useEffect(() => {
    if (!host) return;
    focusComposer();
    return host.listen((message) => {
      if (message.type === "opened") focusComposer();
      // identify() after start-up is handled by useVisitor (it may switch to the user's visitor).
    });
  }, [host, focusComposer]);
}

/**
 * A reply (or failure) that arrives while the embedded chat is closed: the host page's launcher shows a badge.
 * The host says "opened" when the chat opens (also right after the handshake if it is open) and "closed".
 */
function useHostUnread(host: HostBridge | null, announcement: string) {
  const open = useRef(false);
  useEffect(() => {
    if (!host) return;
    return host.listen((message) => {
      if (message.type === "opened") open.current = true;
      else if (message.type === "closed") open.current = false;
    });
  }, [host]);
  useEffect(() => {
    if (host && announcement && !open.current) host.unread();
  }, [host, announcement]);
}

/** Opening the list (a drawer when narrow) moves focus into it: onto the open conversation. */
function useFocusListOnOpen(listOpen: boolean) {
  useEffect(() => {
    if (!listOpen) return;
    const panel = document.getElementById(LIST_ID);
    const target =
      panel?.querySelector<HTMLElement>('[aria-current="true"]') ??
      panel?.querySelector<HTMLElement>(".vc-session-open, button");
    target?.focus();
  }, [listOpen]);
}
