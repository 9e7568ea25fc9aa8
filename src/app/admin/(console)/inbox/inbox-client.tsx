"use client";

import { EmailAlertsToggle } from "~/app/admin/_components/email-alerts-toggle";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type FormEvent } from "react";
import type { AdminSessionListItemDto } from "~/server/admin/sessions/session-admin.schema";
import { MESSAGE_MAX_CHARS } from "~/shared/limits";
import { isSessionMode } from "~/shared/session-modes";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { fillSavedReply } from "~/shared/saved-replies";
import { textOrNames } from "~/components/attachments/upload";
import { metadataPreview } from "../../_components/format";
import { metadataBeyondContext, rawUserAgent } from "~/shared/visitor-metadata";
import { SystemStepText } from "../../_components/system-step";
import { chime, notify } from "./alert";
import { SessionLabels } from "./session-labels";
import { SessionNotes } from "./session-notes";
import { VisitorContextPanel } from "../../_components/visitor-context";
import { INBOX_FILTERS as FILTERS, type InboxFilter } from "./filter";
import { AgentAttachButton, MessageFiles, useAgentAttachments } from "./attachments";

const noSubscription = () => () => undefined;

/** The inbox page's heartbeat: the agent counts as online while it arrives (server: PRESENCE_TTL_MS = 45 s). */
const HEARTBEAT_MS = 15_000;
const TYPING_SHOWS_MS = 6_000;
const TYPING_SIGNAL_MS = 2_500;

/** Times in the page's language, in UTC: the same moment for every admin whatever their zone. */
const WHEN = {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
} as const satisfies Intl.DateTimeFormatOptions;

interface Props {
  me: { id: string; name: string };
  initialFilter: InboxFilter;
  initialWaiting: AdminSessionListItemDto[];
  initialActive: AdminSessionListItemDto[];
  initialFollowUp: AdminSessionListItemDto[];
}

/**
 * The live inbox: the waiting queue and the conversations agents handle, kept current by admin.inbox.events
 * (every conversation's events over SSE); the open conversation's transcript, the visitor typing, and the
 * actions (claim, reply, hand back to the bot, close). A new waiting conversation raises the badge, a chime and a
 * notification.
 */
export function InboxClient({ me, initialFilter, initialWaiting, initialActive, initialFollowUp }: Props) {
  const t = useTranslations("AdminInbox");
  const tf = useTranslations("AdminFollowUp");
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const waiting = useQuery(
    trpc.admin.sessions.list.queryOptions(
      { mode: "waiting", limit: 100 },
      { initialData: { items: initialWaiting, next_cursor: null } },
    ),
  );
  // All: every list. Mine: the conversations I hold. Unassigned: the waiting queue and the follow-up queue.
  const [filter, setFilterState] = useState<InboxFilter>(initialFilter);
  function setFilter(next: InboxFilter) {
    setFilterState(next);
    const url = new URL(window.location.href);
    if (next === "all") url.searchParams.delete("filter");
    else url.searchParams.set("filter", next);
    window.history.replaceState(null, "", url);
  }
  const showUnassigned = filter !== "mine";
  const showAssigned = filter !== "unassigned";
  const active = useQuery(
    trpc.admin.sessions.list.queryOptions(
      { mode: "agent", limit: 100, ...(filter === "mine" && { assignee: "me" }) },
      filter === "all" ? { initialData: { items: initialActive, next_cursor: null } } : {},
    ),
  );
  const followUp = useQuery(
    trpc.admin.sessions.list.queryOptions(
      { needs_follow_up: "true", limit: 100 },
      { initialData: { items: initialFollowUp, next_cursor: null } },
    ),
  );
  const [openId, setOpenId] = useState<string | null>(null);
  const [unseen, setUnseen] = useState(0);
  const [visitorTyping, setVisitorTyping] = useState<string | null>(null);
  const browserPermission = useSyncExternalStore(
    noSubscription,
    () => (typeof Notification === "undefined" ? "unsupported" : Notification.permission),
    () => "default",
  );
  const [asked, setAsked] = useState<NotificationPermission | null>(null);
  const notifications = asked ?? browserPermission;
  const openRef = useRef(openId);
  // The notification's words, read by the event stream's handler without re-subscribing on every render.
  const notifyText = useRef({ title: t("notification.title"), untitled: t("notification.untitled") });
  useEffect(() => {
    openRef.current = openId;
  }, [openId]);

  const refreshLists = useCallback(() => {
    void queryClient.invalidateQueries(trpc.admin.sessions.list.pathFilter());
  }, [queryClient, trpc]);

  // Presence: a heartbeat while the page is open, and "gone" when it closes.
  const heartbeat = useMutation(trpc.admin.inbox.heartbeat.mutationOptions());
  const beat = heartbeat.mutate;
  useEffect(() => {
    beat(undefined);
    const timer = window.setInterval(() => beat(undefined), HEARTBEAT_MS);
    const leave = () =>
      void fetch("/api/trpc/admin.inbox.leave", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
        keepalive: true,
      });
    window.addEventListener("pagehide", leave);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [beat]);

  // Every conversation's events.
  useEffect(() => {
    let typingTimer: number | undefined;
    const subscription = client.admin.inbox.events.subscribe(undefined, {
      onData: ({ data: event }) => {
        const open = openRef.current;
        if (event.type === "session.updated") {
          const session = event.data;
          const known = queryClient
            .getQueryData(trpc.admin.sessions.list.queryKey({ mode: "waiting", limit: 100 }))
            ?.items.some((item) => item.id === session.id);
          if (session.mode === "waiting" && !known) {
            setUnseen((count) => count + 1);
            chime();
            notify(notifyText.current.title, session.title ?? notifyText.current.untitled);
          }
          refreshLists();
        }
        if (event.session_id !== open) return;
        if (event.type === "typing") {
          const typing = event.data;
          if (typing.role !== "visitor") return;
          window.clearTimeout(typingTimer);
          setVisitorTyping(typing.active ? open : null);
          if (typing.active) typingTimer = window.setTimeout(() => setVisitorTyping(null), TYPING_SHOWS_MS);
          return;
        }
        if (
          event.type === "message.created" ||
          event.type === "message.updated" ||
          event.type === "session.updated" ||
          // The visitor is on another page: the context beside the conversation is read again.
          event.type === "visitor.context_updated"
        ) {
          if (event.type === "message.created") setVisitorTyping(null);
          void queryClient.invalidateQueries(trpc.admin.sessions.transcript.pathFilter());
        }
      },
      // The stream reconnects by itself; the lists may have changed meanwhile.
      onStarted: refreshLists,
    });
    return () => {
      window.clearTimeout(typingTimer);
      subscription.unsubscribe();
    };
  }, [client, queryClient, trpc, refreshLists]);

  // New since the agent last looked (none once the queue is empty).
  const newCount = waiting.data.items.length === 0 ? 0 : unseen;
  // The page's own title (the server's, in the admin's language), with the count in front while there are new ones.
  const baseTitle = useRef<string | null>(null);
  useEffect(() => {
    baseTitle.current ??= document.title;
    const title = baseTitle.current;
    document.title = newCount > 0 ? t("documentTitleNew", { count: newCount, title }) : title;
    return () => {
      document.title = title;
    };
  }, [newCount, t]);

  const conversationRef = useRef<HTMLElement>(null);
  function open(id: string) {
    setOpenId(id);
    setUnseen(0);
    setVisitorTyping(null);
    // On a phone the conversation is under the lists: bring it into view.
    if (window.matchMedia("(max-width: 760px)").matches)
      window.requestAnimationFrame(() => conversationRef.current?.scrollIntoView({ block: "start" }));
  }

  async function askForNotifications() {
    if (typeof Notification === "undefined") return;
    setAsked(await Notification.requestPermission());
  }

  return (
    <div className="inbox">
      <h1>
        {t("heading")}{" "}
        {waiting.data.items.length > 0 && (
          <span
            className="badge"
            aria-label={t("waitingBadge", { count: waiting.data.items.length })}
            data-testid="waiting-badge"
          >
            {waiting.data.items.length}
          </span>
        )}
      </h1>
      <p className="muted">
        {t.rich("onlineAs", { name: me.name, strong: (chunks) => <strong>{chunks}</strong> })}{" "}
        {notifications === "default" && (
          <button type="button" onClick={() => void askForNotifications()}>
            {t("enableNotifications")}
          </button>
        )}
        {notifications === "denied" && t("notificationsBlocked")}
      </p>
      <EmailStatusLine />
      <div className="inbox-columns">
        <nav aria-label={t("conversations")} className="inbox-lists">
          <div className="inbox-filters" role="group" aria-label={t("filter.label")}>
            {FILTERS.map((value) => (
              <button
                key={value}
                type="button"
                aria-pressed={filter === value}
                data-testid={`inbox-filter-${value}`}
                onClick={() => setFilter(value)}
              >
                {t(`filter.${value}`)}
              </button>
            ))}
          </div>
          {showUnassigned && (
            <>
              <h2>{t("waitingHeading", { count: waiting.data.items.length })}</h2>
              <SessionButtons
                items={waiting.data.items}
                openId={openId}
                onOpen={open}
                empty={t("nobodyWaiting")}
              />
            </>
          )}
          {showAssigned && (
            <>
              <h2>
                {filter === "mine"
                  ? t("mineHeading", { count: active.data?.items.length ?? 0 })
                  : t("activeHeading", { count: active.data?.items.length ?? 0 })}
              </h2>
              <SessionButtons
                items={active.data?.items ?? []}
                openId={openId}
                onOpen={open}
                empty={t("noneActive")}
                me={me.id}
              />
            </>
          )}
          {showUnassigned && (
            <>
              <h2 data-testid="follow-up-heading">
                {tf("title")}
                {/* No badge for an empty queue: a "0" reads as something to look at. */}
                {followUp.data.items.length > 0 && (
                  <>
                    {" "}
                    <span
                      className="badge"
                      data-testid="follow-up-badge"
                      aria-label={tf("count", { count: followUp.data.items.length })}
                    >
                      {followUp.data.items.length}
                    </span>
                  </>
                )}
              </h2>
              <SessionButtons
                items={followUp.data.items}
                openId={openId}
                onOpen={open}
                empty={tf("empty")}
                showEmail
              />
            </>
          )}
        </nav>
        <section className="inbox-conversation" aria-label={t("conversation")} ref={conversationRef}>
          {openId ? (
            <Conversation
              key={openId}
              id={openId}
              me={me}
              visitorTyping={visitorTyping === openId}
              onChanged={refreshLists}
            />
          ) : (
            <p className="muted">{t("pickConversation")}</p>
          )}
        </section>
      </div>
    </div>
  );
}

/** Whether email is on (the admin says so when it is off), and the signed-in admin's alert emails toggle. */
function EmailStatusLine() {
  const tf = useTranslations("AdminFollowUp.emailStatus");
  const trpc = useTRPC();
  const status = useQuery(trpc.admin.email.status.queryOptions(undefined));
  if (!status.data) return null;
  const { enabled, replies_enabled, continuity_delay_seconds } = status.data;
  return (
    <p className="muted" data-testid="email-status">
      {enabled ? tf("on", { seconds: continuity_delay_seconds }) : tf("off")}
      {enabled && !replies_enabled && ` ${tf("repliesOff")}`} <EmailAlertsToggle />
    </p>
  );
}

function SessionButtons({
  items,
  openId,
  onOpen,
  empty,
  showEmail = false,
  me,
}: {
  items: AdminSessionListItemDto[];
  /** The signed-in agent: their own conversations read "with you". */
  me?: string;
  openId: string | null;
  onOpen: (id: string) => void;
  empty: string;
  /** The follow-up queue: the address the visitor left (or that none was). */
  showEmail?: boolean;
}) {
  const t = useTranslations("AdminInbox");
  const tf = useTranslations("AdminFollowUp");
  const format = useFormatter();
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="inbox-list">
      {items.map((item) => (
        <li key={item.id}>
          <button
            type="button"
            aria-current={item.id === openId || undefined}
            onClick={() => onOpen(item.id)}
          >
            <strong>
              <bdi>{item.title ?? t("untitled")}</bdi>
            </strong>
            <span className="muted">
              {item.mode === "agent" &&
                `${
                  me !== undefined && item.agent_id === me
                    ? t("withYou")
                    : t("withAgent", { name: item.agent_name ?? t("anAgent") })
                } · `}
              {format.dateTime(new Date(item.follow_up_since ?? item.updated_at), WHEN)}
            </span>
            {showEmail && (
              <span className="muted" data-testid="follow-up-email">
                {item.visitor_email ? <bdi>{tf("email", { email: item.visitor_email })}</bdi> : tf("noEmail")}
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}

function Conversation({
  id,
  me,
  visitorTyping,
  onChanged,
}: {
  id: string;
  me: { id: string; name: string };
  visitorTyping: boolean;
  onChanged: () => void;
}) {
  const t = useTranslations("AdminInbox");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const transcript = useQuery(trpc.admin.sessions.transcript.queryOptions({ id, limit: 500 }));
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const refresh = () => {
    onChanged();
    void queryClient.invalidateQueries(trpc.admin.sessions.transcript.pathFilter());
  };
  const options = {
    onSuccess: () => {
      setError(null);
      refresh();
    },
    onError: (failure: { message: string }) => setError(failure.message),
  };
  const claim = useMutation(trpc.admin.sessions.claim.mutationOptions(options));
  const release = useMutation(trpc.admin.sessions.release.mutationOptions(options));
  const close = useMutation(trpc.admin.sessions.close.mutationOptions(options));
  const assign = useMutation(trpc.admin.sessions.assign.mutationOptions(options));
  const colleagues = useQuery(trpc.admin.inbox.colleagues.queryOptions());
  const savedReplies = useQuery(trpc.admin.cannedResponses.list.queryOptions());
  const send = useMutation(trpc.admin.sessions.message.mutationOptions(options));
  const typing = useMutation(trpc.admin.sessions.typing.mutationOptions());
  const files = useAgentAttachments(id);
  const lastSignal = useRef(0);
  const idle = useRef<number | undefined>(undefined);

  if (!transcript.data) return <p className="muted">{transcript.error?.message ?? t("loading")}</p>;
  const { session, visitor, messages, context } = transcript.data;
  const mine = session.mode === "agent" && session.agent_id === me.id;
  // The browser, page, language and name are in the context panel below; only the rest is listed here.
  const otherDetails = metadataBeyondContext(visitor.metadata);

  function signalTyping(text: string) {
    if (!mine) return;
    window.clearTimeout(idle.current);
    if (text.trim() !== "" && Date.now() - lastSignal.current > TYPING_SIGNAL_MS) {
      lastSignal.current = Date.now();
      typing.mutate({ id, active: true });
    }
    idle.current = window.setTimeout(() => {
      lastSignal.current = 0;
      typing.mutate({ id, active: false });
    }, TYPING_SIGNAL_MS);
  }

  // `/` at the start of an empty composer opens the saved replies, filtered by what follows it.
  const slash = /^\/([\p{L}\p{N}_-]*)$/u.exec(draft);
  const suggestions = slash
    ? (savedReplies.data?.items ?? []).filter((reply) =>
        reply.shortcut.toLowerCase().includes((slash[1] ?? "").toLowerCase()),
      )
    : [];
  function insertSavedReply(content: string) {
    const name = visitor.metadata.name;
    const visitorName =
      typeof name === "string" && name.trim() ? name.trim() : (visitor.email?.split("@")[0] ?? "");
    setDraft(fillSavedReply(content, { visitorName, agentName: me.name }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (suggestions[0]) {
      insertSavedReply(suggestions[0].content);
      return;
    }
    const attachments = files.pending;
    // A message needs text: one of files only says their names (docs/admin.md).
    const message = textOrNames(draft, attachments);
    if (!message) return;
    window.clearTimeout(idle.current);
    lastSignal.current = 0;
    send.mutate(
      {
        id,
        message,
        ...(attachments.length > 0 ? { attachment_ids: attachments.map((attachment) => attachment.id) } : {}),
      },
      {
        onSuccess: () => {
          setDraft("");
          files.clear();
        },
      },
    );
  }

  return (
    <>
      <h2>
        <bdi>{session.title ?? t("untitled")}</bdi>
      </h2>
      <p className="muted" data-testid="session-mode">
        {t.rich("mode", {
          mode: isSessionMode(session.mode) ? t(`modes.${session.mode}`) : session.mode,
          strong: (chunks) => <strong>{chunks}</strong>,
        })}
        {session.agent_name && ` · ${session.agent_name}`}
      </p>
      <SessionLabels id={id} labels={session.labels} />
      <dl className="inbox-visitor">
        <dt>{t("visitor")}</dt>
        <dd className="mono">
          <bdi>{visitor.id}</bdi>
        </dd>
        <dt>{t("identity")}</dt>
        <dd data-testid="visitor-identity" data-verified={visitor.verified}>
          {visitor.verified ? (
            <strong>
              {t("verified")} <bdi className="mono">{visitor.user_id}</bdi>
            </strong>
          ) : (
            t("unverified")
          )}
        </dd>
        <dt>{t("email")}</dt>
        <dd>
          <bdi>{visitor.email ?? "—"}</bdi>
        </dd>
        {Object.keys(otherDetails).length > 0 && (
          <>
            <dt>{t("details")}</dt>
            <dd data-testid="visitor-details">
              <bdi>{metadataPreview(otherDetails)}</bdi>
            </dd>
          </>
        )}
        <dt>{t("lastSeen")}</dt>
        <dd>{format.dateTime(new Date(visitor.last_seen_at), WHEN)}</dd>
      </dl>
      <VisitorContextPanel context={context} userAgent={rawUserAgent(visitor.metadata)} />
      {/* Scrolled from the bottom (admin.css): the newest message is in view, and stays so as messages and images
          arrive. */}
      <div className="inbox-transcript">
        <ol aria-label={t("transcript")}>
          {messages.map((message) =>
            message.role === "system" ? (
              <li key={message.id} data-role="system" data-kind={message.kind ?? undefined} className="muted">
                <em>
                  <SystemStepText
                    kind={message.kind}
                    authorName={message.author_name}
                    fallback={message.content}
                  />
                </em>{" "}
                · {format.dateTime(new Date(message.created_at), WHEN)}
              </li>
            ) : (
              <li key={message.id} data-role={message.role}>
                <span className="muted">
                  {message.role === "user"
                    ? t("visitor")
                    : message.role === "agent"
                      ? message.author_name
                      : t("assistant")}{" "}
                  · {format.dateTime(new Date(message.created_at), WHEN)}
                </span>
                <p dir="auto">{message.content}</p>
                <MessageFiles sessionId={id} attachments={message.attachments} />
              </li>
            ),
          )}
        </ol>
      </div>
      {visitorTyping && (
        <p className="muted" data-testid="visitor-typing">
          {t("visitorTyping")}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="inbox-actions">
        {session.mode !== "agent" && session.mode !== "closed" && (
          <button type="button" onClick={() => claim.mutate({ id })}>
            {t("claim")}
          </button>
        )}
        {session.mode === "agent" && !mine && (
          <span className="muted">{t("handledBy", { name: session.agent_name ?? t("anAgent") })}</span>
        )}
        {(session.mode === "agent" || session.mode === "waiting") && (
          <button type="button" onClick={() => release.mutate({ id })}>
            {t("handBack")}
          </button>
        )}
        {session.mode !== "closed" && (
          <button type="button" onClick={() => close.mutate({ id })}>
            {t("close")}
          </button>
        )}
        {session.mode !== "closed" && (colleagues.data?.items.length ?? 0) > 0 && (
          <label>
            {t("assignTo")}{" "}
            <select
              value=""
              data-testid="assign-to"
              disabled={assign.isPending}
              onChange={(event) => {
                if (event.target.value) assign.mutate({ id, user_id: event.target.value });
              }}
            >
              <option value="">—</option>
              {colleagues.data?.items
                .filter((colleague) => !(session.mode === "agent" && colleague.id === session.agent_id))
                .map((colleague) => (
                  <option key={colleague.id} value={colleague.id}>
                    {colleague.id === me.id ? t("assignToMe", { name: colleague.name }) : colleague.name}
                  </option>
                ))}
            </select>
          </label>
        )}
      </div>
      {mine && (
        <form
          className="inbox-reply"
          onSubmit={submit}
          data-dragging={files.dragging || undefined}
          {...files.dropHandlers}
        >
          <label>
            {t("replyAs", { name: me.name })}
            <textarea
              value={draft}
              rows={3}
              maxLength={MESSAGE_MAX_CHARS}
              onChange={(event) => {
                setDraft(event.target.value);
                signalTyping(event.target.value);
              }}
              onKeyDown={(event) => {
                if (event.key === "Enter" && !event.shiftKey) submit(event);
              }}
              onPaste={files.onPaste}
            />
          </label>
          <AgentAttachButton files={files} />
          <button type="submit" disabled={send.isPending || files.uploading}>
            {t("send")}
          </button>
          {slash && (
            <ul className="inbox-saved-replies" aria-label={t("savedReplies")} data-testid="saved-replies">
              {suggestions.length === 0 && <li className="muted">{t("noSavedReply")}</li>}
              {suggestions.map((reply) => (
                <li key={reply.id}>
                  <button type="button" onClick={() => insertSavedReply(reply.content)}>
                    <strong>/{reply.shortcut}</strong>{" "}
                    <span className="muted">{reply.content.slice(0, 80)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </form>
      )}
      <SessionNotes id={id} />
    </>
  );
}
