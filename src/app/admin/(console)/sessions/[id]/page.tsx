import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orNotFound, param } from "~/app/admin/_lib/admin-page";
import Markdown from "~/components/widget/markdown";
import { formatTime, metadataPreview } from "../../../_components/format";
import { Pager } from "../../../_components/list-result";

export const metadata: Metadata = { title: "Transcript" };

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
  const { caller } = await adminPage(path);
  // One page of messages at a time (a session of thousands of messages was one page of megabytes).
  const { session, visitor, messages, next_cursor } = await orNotFound(
    caller.admin.sessions.transcript({ id, cursor }),
  );
  const exportUrl = (format: "csv" | "json") => `/api/admin/exports/sessions/${session.id}/?format=${format}`;
  return (
    <>
      <p>
        <Link href="/admin/sessions">← Sessions</Link>
      </p>
      <h1>{session.title ?? "(untitled session)"}</h1>
      <p className="muted">
        Visitor{" "}
        <Link className="mono" href={`/admin/visitors/${visitor.id}`}>
          {visitor.id}
        </Link>{" "}
        · started {formatTime(session.created_at)} · last activity {formatTime(session.updated_at)} ·{" "}
        {session.message_count} messages
        {session.failed_count > 0 && ` · ${session.failed_count} failed`}
      </p>
      {Object.keys(visitor.metadata).length > 0 && (
        <p className="muted">{metadataPreview(visitor.metadata, 300)}</p>
      )}
      <p>
        Export:{" "}
        <a className="button secondary" href={exportUrl("csv")} download>
          CSV
        </a>{" "}
        <a className="button secondary" href={exportUrl("json")} download>
          JSON
        </a>
      </p>
      <section className="transcript" aria-label="Transcript">
        {messages.map((message) => (
          <article key={message.id} className={`message ${message.role}`}>
            <header>
              <strong>{message.role === "user" ? "Visitor" : "Assistant"}</strong>
              <time dateTime={message.created_at}>{formatTime(message.created_at, "second")}</time>
              <span className={`badge ${message.status}`}>{message.status}</span>
              {message.feedback && (
                <span className="badge" data-testid="message-feedback">
                  {message.feedback === "up" ? "👍 helpful" : "👎 not helpful"}
                </span>
              )}
            </header>
            <div className="content">
              {/* Rendered as the widget renders it: sanitized markdown, the visitor's line breaks kept. */}
              {message.content ? (
                <Markdown text={message.content} breaks={message.role === "user"} />
              ) : (
                <span className="muted">(empty)</span>
              )}
            </div>
          </article>
        ))}
        {messages.length === 0 && <p className="muted">No messages in this session.</p>}
      </section>
      <Pager path={path} query={{}} cursor={cursor} nextCursor={next_cursor} />
    </>
  );
}
