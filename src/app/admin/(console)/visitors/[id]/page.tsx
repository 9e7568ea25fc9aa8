import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { adminPage, canSee, orNotFound } from "~/app/admin/_lib/admin-page";
import { formatTime } from "../../../_components/format";
import { VisitorActions } from "./visitor-actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminVisitors.detail");
  return { title: t("title") };
}

export default async function VisitorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { admin, caller } = await adminPage(`/admin/visitors/${encodeURIComponent(id)}`, "agent");
  const visitor = await orNotFound(caller.admin.visitors.get({ id }));
  const t = await getTranslations("AdminVisitors.detail");
  const tc = await getTranslations("AdminCommon");
  const tf = await getTranslations("AdminFollowUp");
  const locale = await getLocale();
  return (
    <>
      <p>
        <Link href="/admin/visitors">{t("back")}</Link>
      </p>
      <h1>
        {t.rich("heading", { id: visitor.id, mono: (chunks) => <span className="mono">{chunks}</span> })}
      </h1>
      <p className="muted">
        {t("summary", {
          created: formatTime(visitor.created_at, "minute", locale),
          lastSeen: formatTime(visitor.last_seen_at, "minute", locale),
          count: visitor.session_count,
        })}
      </p>
      <p data-testid="visitor-email">
        {visitor.email ? <bdi>{tf("email", { email: visitor.email })}</bdi> : tf("noEmail")}
      </p>
      {canSee(admin, "admin") && (
        <VisitorActions visitorId={visitor.id} sessionCount={visitor.session_count} />
      )}
      <h2>{t("metadata")}</h2>
      <pre className="metadata mono">{JSON.stringify(visitor.metadata, null, 2)}</pre>
      <h2>{t("sessions")}</h2>
      <table>
        <thead>
          <tr>
            <th>{t("columns.title")}</th>
            <th>{t("columns.started")}</th>
            <th>{t("columns.lastActivity")}</th>
          </tr>
        </thead>
        <tbody>
          {visitor.sessions.map((session) => (
            <tr key={session.id}>
              <td>
                <Link href={`/admin/sessions/${session.id}`}>{session.title ?? tc("untitled")}</Link>
                {session.needs_follow_up && (
                  <>
                    {" "}
                    <span className="badge failed" data-testid="needs-follow-up">
                      {tf("needsFollowUp")}
                    </span>
                  </>
                )}
                {session.handoff_requested_at && (
                  <div className="muted">
                    {tf("requested", { time: formatTime(session.handoff_requested_at, "minute", locale) })}
                  </div>
                )}
              </td>
              <td>{formatTime(session.created_at, "minute", locale)}</td>
              <td>{formatTime(session.updated_at, "minute", locale)}</td>
            </tr>
          ))}
          {visitor.sessions.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                {t("noSessions")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {visitor.session_count > visitor.sessions.length && (
        <p>
          <Link href={`/admin/sessions?visitor_id=${visitor.id}`}>
            {t("allSessions", { count: visitor.session_count })}
          </Link>
        </p>
      )}
    </>
  );
}
