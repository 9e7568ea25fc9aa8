import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orNotFound } from "~/app/admin/_lib/admin-page";
import Markdown from "~/components/widget/markdown";
import { formatTime, metadataPreview } from "../../../_components/format";

export const metadata: Metadata = { title: "Transcript" };

export default async function TranscriptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { caller } = await adminPage(`/admin/sessions/${encodeURIComponent(id)}`);
  const { session, visitor, messages } = await orNotFound(caller.admin.sessions.transcript({ id }));
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
    </>
  );
}
