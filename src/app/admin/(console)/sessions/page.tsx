import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { adminList, type SearchParams } from "~/app/admin/_lib/admin-list";
import { canSee } from "~/app/admin/_lib/admin-page";
import type { SESSION_STATUS_FILTERS } from "~/server/admin/sessions/session-admin.schema";
import { DateRangeFields, FilterForm } from "../../_components/filter-form";
import { formatTime, queryString } from "../../_components/format";
import { ListResult } from "../../_components/list-result";
import { SearchSnippet } from "../../_components/search-snippet";
import { SEARCH_MAX_CHARS } from "~/shared/search-snippet";
import { LABEL_MAX_CHARS } from "~/shared/labels";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminSessions");
  return { title: t("title") };
}

type StatusFilter = (typeof SESSION_STATUS_FILTERS)[number];

const readSessions = adminList(
  "/admin/sessions",
  ["q", "label", "from", "to", "status", "visitor_id"],
  (caller, query) =>
    // Any other status is refused by the procedure's schema and shown as a message on the page.
    caller.admin.sessions.list({ ...query, status: query.status as StatusFilter | undefined }),
  "agent",
);

export default async function SessionsPage({ searchParams }: { searchParams: SearchParams }) {
  const { admin, filters, list } = await readSessions(searchParams);
  const t = await getTranslations("AdminSessions");
  const tc = await getTranslations("AdminCommon");
  const locale = await getLocale();
  const number = new Intl.NumberFormat(locale);
  const exportQuery = (format: "csv" | "json") => queryString({ from: filters.from, to: filters.to, format });
  return (
    <>
      <h1>{t("heading")}</h1>
      <FilterForm
        path="/admin/sessions"
        filters={filters}
        end={
          canSee(admin, "admin") && (
            <span className="muted filters-end">
              {t("exportRange")}{" "}
              <a href={`/api/admin/exports/sessions/${exportQuery("csv")}`} download>
                {tc("csv")}
              </a>{" "}
              ·{" "}
              <a href={`/api/admin/exports/sessions/${exportQuery("json")}`} download>
                {tc("json")}
              </a>
            </span>
          )
        }
      >
        <label>
          {t("search")}
          <input
            type="search"
            name="q"
            defaultValue={filters.q}
            placeholder={t("searchPlaceholder")}
            size={28}
            maxLength={SEARCH_MAX_CHARS}
          />
        </label>
        <label>
          {t("label")}
          <input name="label" defaultValue={filters.label} size={12} maxLength={LABEL_MAX_CHARS} />
        </label>
        <DateRangeFields filters={filters} labels={{ from: t("startedFrom"), to: t("to") }} />
        <label>
          {t("replies")}
          <select name="status" defaultValue={filters.status ?? "any"}>
            <option value="any">{t("statusAny")}</option>
            <option value="failed">{t("statusFailed")}</option>
            <option value="ok">{t("statusOk")}</option>
          </select>
        </label>
        {filters.visitor_id && <input type="hidden" name="visitor_id" value={filters.visitor_id} />}
      </FilterForm>
      {filters.visitor_id && (
        <p className="muted">
          {t.rich("ofVisitor", {
            id: filters.visitor_id,
            link: (chunks) => (
              <Link className="mono" href={`/admin/visitors/${filters.visitor_id}`}>
                {chunks}
              </Link>
            ),
          })}
        </p>
      )}
      <ListResult
        {...list}
        headings={[
          t("columns.title"),
          t("columns.visitor"),
          { label: t("columns.messages"), className: "num" },
          { label: t("columns.failed"), className: "num" },
          t("columns.started"),
          t("columns.lastActivity"),
        ]}
        empty={filters.q ? t("noMatch", { q: filters.q }) : t("empty")}
        row={(session) => (
          <tr key={session.id}>
            <td>
              <Link href={`/admin/sessions/${session.id}`}>{session.title ?? tc("untitled")}</Link>
              {session.match && (
                <SearchSnippet
                  snippet={session.match}
                  who={t(`matchRole.${session.match.role}`)}
                  label={t("matchLabel")}
                />
              )}
            </td>
            <td>
              <Link className="mono" href={`/admin/visitors/${session.visitor_id}`}>
                {session.visitor_id.slice(0, 8)}
              </Link>
            </td>
            <td className="num">{number.format(session.message_count)}</td>
            <td className="num">
              {session.failed_count > 0 ? (
                <span className="badge failed">{number.format(session.failed_count)}</span>
              ) : (
                <span className="muted">{number.format(0)}</span>
              )}
            </td>
            <td>{formatTime(session.created_at, "minute", locale)}</td>
            <td>{formatTime(session.updated_at, "minute", locale)}</td>
          </tr>
        )}
      />
    </>
  );
}
