"use client";

import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { mergeChatItems, type ChatItem } from "./chat-items";
import { Composer } from "./composer";
import { ConnectionNotice } from "./connection-notice";
import type { HostBridge } from "./host-bridge";
import { MessageList } from "./message-list";
import { textColourOn, type WidgetOptions } from "./options";
import { SessionList } from "./session-list";
import { useChatStream } from "./use-chat-stream";
import { useMessages } from "./use-messages";
import { useSessions } from "./use-sessions";
import { useVisitor } from "./use-visitor";
import { WidgetHeader } from "./widget-header";

const LIST_ID = "vc-session-panel";
const SUBTITLE = "The assistant replies in seconds";

/** The whole widget: visitor start-up, then the chat. Works full page and inside the embed's iframe. */
export function WidgetApp({ options }: { options: WidgetOptions }) {
  const visitor = useVisitor(options.embed);
  const style = {
    "--vc-accent": options.accent,
    "--vc-on-accent": textColourOn(options.accent),
  } as CSSProperties;

  return (
    <div
      className="vc-widget"
      data-embed={options.embed || undefined}
      data-visitor-id={visitor.status === "ready" ? visitor.visitorId : undefined}
      style={style}
    >
      {visitor.status === "ready" ? (
        <ChatView options={options} visitorId={visitor.visitorId} host={visitor.host} />
      ) : (
        <>
          <WidgetHeader title={options.title} subtitle={SUBTITLE} listOpen={false} listId={LIST_ID} />
          <ConnectionNotice retrying={visitor.retrying} onRetryNow={visitor.retryNow} />
          <div className="vc-starting" aria-busy="true">
            <span className="vc-typing" role="img" aria-label="Starting the chat">
              <span />
              <span />
              <span />
            </span>
          </div>
        </>
      )}
    </div>
  );
}

interface ChatViewProps {
  options: WidgetOptions;
  visitorId: string;
  host: HostBridge | null;
}

function ChatView({ options, visitorId, host }: ChatViewProps) {
  const sessions = useSessions(visitorId);
  // undefined: not chosen yet (the most recent conversation is shown); null: a new, not yet created one.
  const [chosenId, setChosenId] = useState<string | null | undefined>(undefined);
  const [listOpen, setListOpen] = useState(false);
  const [draft, setDraft] = useState("");
  const [sentCount, setSentCount] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  const sessionItems = useMemo(() => sessions.list.data?.items ?? [], [sessions.list.data]);
  const activeId =
    chosenId !== undefined ? chosenId : sessions.list.isSuccess ? (sessionItems[0]?.id ?? null) : undefined;
  const messages = useMessages(visitorId, activeId ?? null);

  const { mutateAsync: createSessionAsync } = sessions.create;
  // One creation at a time: "+" starts it, and a message sent before it finishes joins the same conversation.
  const pendingCreate = useRef<Promise<string> | null>(null);
  const createSession = useCallback(() => {
    pendingCreate.current ??= createSessionAsync({ visitor_id: visitorId })
      .then((session) => {
        // Show it, unless the visitor has meanwhile switched to another conversation.
        setChosenId((current) => (current == null ? session.id : current));
        return session.id;
      })
      .finally(() => {
        pendingCreate.current = null;
      });
    return pendingCreate.current;
  }, [createSessionAsync, visitorId]);
  const restoreDraft = useCallback(
    (text: string) => setDraft((current) => (current.trim() ? current : text)),
    [],
  );
  const chat = useChatStream({ visitorId, createSession, restoreDraft });

  const { turnsOf } = chat;
  const items = useMemo(
    () => mergeChatItems(messages.data ?? [], turnsOf(activeId ?? null)),
    [messages.data, turnsOf, activeId],
  );

  const focusComposer = useCallback(() => input.current?.focus(), []);

  useEffect(() => {
    if (!host) return;
    // The frame is created when the visitor opens the chat: be ready to type straight away.
    focusComposer();
    return host.listen((message) => {
      if (message.type === "opened") focusComposer();
      // identify() after the visitor exists: no procedure updates a visitor's metadata yet (see docs/widget.md).
    });
  }, [host, focusComposer]);

  // Opening the list (a drawer when narrow) moves focus into it: onto the open conversation.
  useEffect(() => {
    if (!listOpen) return;
    const panel = document.getElementById(LIST_ID);
    const target =
      panel?.querySelector<HTMLElement>('[aria-current="true"]') ??
      panel?.querySelector<HTMLElement>(".vc-session-open, button");
    target?.focus();
  }, [listOpen]);

  function selectSession(id: string) {
    setChosenId(id);
    setListOpen(false);
    focusComposer();
  }

  function newConversation() {
    setListOpen(false);
    focusComposer();
    // An empty conversation is already open: use it rather than piling up empty ones.
    if (activeId === null || (activeId && items.length === 0 && messages.isSuccess)) return;
    // Switch at once; the conversation is created in the background (and again on send if this fails).
    setChosenId(null);
    createSession().catch(() => undefined);
  }

  function send(text: string) {
    chat.send(text, activeId ?? null);
    setDraft("");
    setSentCount((n) => n + 1);
  }

  function retry(item: ChatItem) {
    chat.retryReply(item, activeId ?? null);
    setSentCount((n) => n + 1);
  }

  function deleteSession(id: string) {
    sessions.remove.mutate({ id, visitor_id: visitorId });
    if (id === activeId) setChosenId(sessionItems.find((s) => s.id !== id)?.id ?? null);
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
          sessions={sessionItems}
          activeId={activeId ?? null}
          loading={sessions.list.isPending}
          onSelect={selectSession}
          onNew={newConversation}
          onRename={(id, title) => sessions.rename.mutate({ id, visitor_id: visitorId, title })}
          onDelete={deleteSession}
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
            onDraftChange={setDraft}
            onSend={send}
            onStop={() => chat.stop(activeId ?? null)}
            busy={chat.busy(activeId ?? null)}
            disabled={false}
          />
        </main>
      </div>
      <div className="vc-sr" aria-live="polite" aria-atomic="true">
        {chat.announcement}
      </div>
    </>
  );
}
