import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { adminPage, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import { formatTime, metadataPreview, queryString } from "../../_components/format";
import { ListResult } from "../../_components/list-result";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminVisitors");
  return { title: t("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function VisitorsPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const search = param(query.search);
  const sort = param(query.sort);
  const cursor = param(query.cursor);
  const { caller } = await adminPage(`/admin/visitors${queryString({ search, sort })}`);
  const result = await orInvalidFilter(
    caller.admin.visitors.list({
      search,
      cursor,
      limit: 50,
      // Any other value is refused by the procedure's schema and shown as a message below.
      ...(sort !== undefined && { sort: sort as "created" | "last_seen" }),
    }),
  );
  const t = await getTranslations("AdminVisitors");
  const tc = await getTranslations("AdminCommon");
  const locale = await getLocale();
  const number = new Intl.NumberFormat(locale);
  return (
    <>
      <h1>{t("heading")}</h1>
      <form className="filters" method="get" role="search">
        <label>
          {t("searchLabel")}
          <input name="search" defaultValue={search} placeholder={t("searchPlaceholder")} size={36} />
        </label>
        <label>
          {t("sortBy")}
          <select name="sort" defaultValue={sort ?? "created"}>
            <option value="created">{t("sortCreated")}</option>
            <option value="last_seen">{t("sortLastSeen")}</option>
          </select>
        </label>
        <button type="submit">{tc("search")}</button>
        {(search || sort) && (
          <Link className="button secondary" href="/admin/visitors">
            {tc("clear")}
          </Link>
        )}
      </form>
      <ListResult
        result={result}
        path="/admin/visitors"
        query={{ search, sort }}
        cursor={cursor}
        columns={5}
        head={
          <>
            <th>{t("columns.visitor")}</th>
            <th>{t("columns.metadata")}</th>
            <th className="num">{t("columns.sessions")}</th>
            <th>{t("columns.created")}</th>
            <th>{t("columns.lastSeen")}</th>
          </>
        }
        empty={search ? t("noMatch", { search }) : t("empty")}
        row={(visitor) => (
          <tr key={visitor.id}>
            <td>
              <Link className="mono" href={`/admin/visitors/${visitor.id}`}>
                {visitor.id.slice(0, 8)}
              </Link>
            </td>
            <td>{metadataPreview(visitor.metadata)}</td>
            <td className="num">{number.format(visitor.session_count)}</td>
            <td>{formatTime(visitor.created_at, "minute", locale)}</td>
            <td>{formatTime(visitor.last_seen_at, "minute", locale)}</td>
          </tr>
        )}
      />
    </>
  );
}
