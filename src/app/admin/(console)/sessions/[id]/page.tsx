import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { adminPage, canSee, orNotFound, param } from "~/app/admin/_lib/admin-page";
import Markdown from "~/components/widget/markdown";
import { formatTime, metadataPreview } from "../../../_components/format";
import { Pager } from "../../../_components/list-result";
import { SystemStepText } from "../../../_components/system-step";
import { VisitorContextPanel } from "../../../_components/visitor-context";
import { MessageFiles } from "../../inbox/attachments";
import { metadataBeyondContext, rawUserAgent } from "~/shared/visitor-metadata";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminSessions.transcript");
  return { title: t("title") };
}

export default async function TranscriptPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const cursor = param((await searchParams).cursor);
  const path = `/admin/sessions/${encodeURIComponent(id)}`;
  const { admin, caller } = await adminPage(path, "agent");
  // One page of messages at a time (a session of thousands of messages was one page of megabytes).
  const { session, visitor, messages, next_cursor, context } = await orNotFound(
    caller.admin.sessions.transcript({ id, cursor }),
  );
  const notes = await caller.admin.sessions.notes({ id });
  const t = await getTranslations("AdminSessions.transcript");
  const tc = await getTranslations("AdminCommon");
  const tf = await getTranslations("AdminFollowUp");
  const requestedAt = session.follow_up_since ?? session.handoff_requested_at;
  const locale = await getLocale();
  const otherDetails = metadataBeyondContext(visitor.metadata);
  const exportUrl = (format: "csv" | "json") => `/api/admin/exports/sessions/${session.id}/?format=${format}`;
  return (
    <>
      <p>
        <Link href="/admin/sessions">{t("back")}</Link>
      </p>
      <h1>{session.title ?? t("untitled")}</h1>
      <p className="muted">
        {t.rich("summary", {
          id: visitor.id,
          started: formatTime(session.created_at, "minute", locale),
          updated: formatTime(session.updated_at, "minute", locale),
          messages: session.message_count,
          link: (chunks) => (
            <Link className="mono" href={`/admin/visitors/${visitor.id}`}>
              {chunks}
            </Link>
          ),
        })}
        {session.failed_count > 0 && ` · ${t("failedCount", { count: session.failed_count })}`}
      </p>
      {(session.needs_follow_up || requestedAt || visitor.email) && (
        <p data-testid="follow-up">
          {session.needs_follow_up && <span className="badge failed">{tf("needsFollowUp")}</span>}{" "}
          {requestedAt && tf("requested", { time: formatTime(requestedAt, "minute", locale) })}
          {requestedAt && " · "}
          {visitor.email ? <bdi>{tf("email", { email: visitor.email })}</bdi> : tf("noEmail")}
        </p>
      )}
      {/* The browser, page, language and name are in the context panel: only the rest of the metadata here. */}
      {Object.keys(otherDetails).length > 0 && (
        <p className="muted" data-testid="visitor-details">
          {metadataPreview(otherDetails, 300)}
        </p>
      )}
      <VisitorContextPanel context={context} userAgent={rawUserAgent(visitor.metadata)} headingLevel={2} />
      {canSee(admin, "admin") && (
        <p>
          {t("export")}{" "}
          <a className="button secondary" href={exportUrl("csv")} download>
            {tc("csv")}
          </a>{" "}
          <a className="button secondary" href={exportUrl("json")} download>
            {tc("json")}
          </a>
        </p>
      )}
      <section className="transcript" aria-label={t("label")}>
        {messages.map((message) =>
          message.role === "system" ? (
            <p key={message.id} className="muted" data-role="system" data-kind={message.kind ?? undefined}>
              <em>
                <SystemStepText
                  kind={message.kind}
                  authorName={message.author_name}
                  fallback={message.content}
                />
              </em>{" "}
              <time dateTime={message.created_at}>{formatTime(message.created_at, "second", locale)}</time>
            </p>
          ) : (
            <article key={message.id} className={`message ${message.role}`}>
              <header>
                <strong>
                  {message.role === "user"
                    ? t("visitor")
                    : message.role === "agent"
                      ? (message.author_name ?? t("assistant"))
                      : t("assistant")}
                </strong>
                <time dateTime={message.created_at}>{formatTime(message.created_at, "second", locale)}</time>
                <span className={`badge ${message.status}`}>{t(`status.${message.status}`)}</span>
                {message.feedback && (
                  <span className="badge" data-testid="message-feedback">
                    {message.feedback === "up" ? t("helpful") : t("notHelpful")}
                  </span>
                )}
              </header>
              {/* The message's own direction (an English reply in an Arabic page, or the other way round). */}
              <div className="content" dir="auto">
                {/* Rendered as the widget renders it: sanitized markdown, the visitor's line breaks kept. */}
                {message.content ? (
                  <Markdown text={message.content} breaks={message.role === "user"} />
                ) : (
                  <span className="muted">{t("empty")}</span>
                )}
              </div>
              <MessageFiles sessionId={session.id} attachments={message.attachments} />
            </article>
          ),
        )}
        {messages.length === 0 && <p className="muted">{t("noMessages")}</p>}
      </section>
      <Pager path={path} query={{}} cursor={cursor} nextCursor={next_cursor} />
      {notes.items.length > 0 && (
        <section className="session-notes" aria-label={t("notes")} data-testid="session-notes">
          <h2>{t("notes")}</h2>
          <p className="muted">{t("notesPrivate")}</p>
          {notes.items.map((note) => (
            <article key={note.id} className="note">
              <header>
                <strong>
                  <bdi>{note.author_name}</bdi>
                </strong>{" "}
                <time dateTime={note.created_at}>{formatTime(note.created_at, "second", locale)}</time>
              </header>
              <p dir="auto">{note.content}</p>
            </article>
          ))}
        </section>
      )}
    </>
  );
}
