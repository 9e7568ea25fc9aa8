"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { mergeChatItems, type ChatItem } from "./chat-items";
import { Composer } from "./composer";
import { ConnectionNotice } from "./connection-notice";
import type { HostBridge } from "./host-bridge";
import { MessageList } from "./message-list";
import type { WidgetOptions } from "./options";
import { SessionList } from "./session-list";
import { useActiveSession } from "./use-active-session";
import { useChatStream } from "./use-chat-stream";
import { HandoffBar } from "./handoff-bar";
import { useHandoff } from "./use-handoff";
import { useMessages } from "./use-messages";
import { WidgetHeader } from "./widget-header";

export const LIST_ID = "vc-session-panel";
export const SUBTITLE = "The assistant replies in seconds";

interface Props {
  options: WidgetOptions;
  visitorId: string;
  host: HostBridge | null;
}

/** The chat once the visitor is known: the conversation list, the open conversation and the composer. */
export function ChatView({ options, visitorId, host }: Props) {
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

  const { turnsOf } = chat;
  const items = useMemo(
    () => mergeChatItems(messages.data ?? [], turnsOf(activeId ?? null)),
    [messages.data, turnsOf, activeId],
  );

  const focusComposer = useCallback(() => input.current?.focus(), []);
  useHostFocus(host, focusComposer);
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
    chat.send(text, activeId ?? null);
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
    <>
      <WidgetHeader
        title={options.title}
        subtitle={SUBTITLE}
        listOpen={listOpen}
        listId={LIST_ID}
        toggleRef={toggle}
        onToggleList={() => setListOpen((open) => !open)}
        onNew={newConversation}
        onClose={host ? () => host.close() : undefined}
      />
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
          onNew={newConversation}
          onRename={sessions.rename}
          onDelete={sessions.remove}
        />
        <main className="vc-chat" aria-label="Chat">
          <ConnectionNotice retrying={retrying} onRetryNow={retryNow} />
          <MessageList
            items={items}
            greeting={options.greeting}
            loading={activeId === undefined || (activeId !== null && messages.isPending)}
            onRetry={retry}
            sentCount={sentCount}
          />
          <Composer
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
    </>
  );
}

/** Inside the embed's frame: ready to type as soon as the frame exists, and whenever the chat is opened. */
function useHostFocus(host: HostBridge | null, focusComposer: () => void) {
  useEffect(() => {
    if (!host) return;
    focusComposer();
    return host.listen((message) => {
      if (message.type === "opened") focusComposer();
      // identify() after the visitor exists: no procedure updates a visitor's metadata yet (see docs/widget.md).
    });
  }, [host, focusComposer]);
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
