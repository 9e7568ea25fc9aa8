import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orNotFound } from "~/app/admin/_lib/admin-page";
import { formatTime } from "../../../_components/format";
import { VisitorActions } from "./visitor-actions";

export const metadata: Metadata = { title: "Visitor" };

export default async function VisitorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { caller } = await adminPage(`/admin/visitors/${encodeURIComponent(id)}`);
  const visitor = await orNotFound(caller.admin.visitors.get({ id }));
  return (
    <>
      <p>
        <Link href="/admin/visitors">← Visitors</Link>
      </p>
      <h1>
        Visitor <span className="mono">{visitor.id}</span>
      </h1>
      <p className="muted">
        First seen {formatTime(visitor.created_at)} · last seen {formatTime(visitor.last_seen_at)} ·{" "}
        {visitor.session_count} session{visitor.session_count === 1 ? "" : "s"}
      </p>
      <VisitorActions visitorId={visitor.id} sessionCount={visitor.session_count} />
      <h2>Metadata</h2>
      <pre className="metadata mono">{JSON.stringify(visitor.metadata, null, 2)}</pre>
      <h2>Sessions</h2>
      <table>
        <thead>
          <tr>
            <th>Title</th>
            <th>Started</th>
            <th>Last activity</th>
          </tr>
        </thead>
        <tbody>
          {visitor.sessions.map((session) => (
            <tr key={session.id}>
              <td>
                <Link href={`/admin/sessions/${session.id}`}>{session.title ?? "(untitled)"}</Link>
              </td>
              <td>{formatTime(session.created_at)}</td>
              <td>{formatTime(session.updated_at)}</td>
            </tr>
          ))}
          {visitor.sessions.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No sessions yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {visitor.session_count > visitor.sessions.length && (
        <p>
          <Link href={`/admin/sessions?visitor_id=${visitor.id}`}>
            All {visitor.session_count} sessions →
          </Link>
        </p>
      )}
    </>
  );
}
