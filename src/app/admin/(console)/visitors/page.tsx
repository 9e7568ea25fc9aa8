import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { adminList, type SearchParams } from "~/app/admin/_lib/admin-list";
import { FilterForm } from "../../_components/filter-form";
import { formatTime, metadataPreview } from "../../_components/format";
import { ListResult } from "../../_components/list-result";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminVisitors");
  return { title: t("title") };
}

const readVisitors = adminList(
  "/admin/visitors",
  ["search", "sort"],
  (caller, { sort, ...query }) =>
    caller.admin.visitors.list({
      ...query,
      // Any other value is refused by the procedure's schema and shown as a message on the page.
      ...(sort !== undefined && { sort: sort as "created" | "last_seen" }),
    }),
  "agent",
);

export default async function VisitorsPage({ searchParams }: { searchParams: SearchParams }) {
  const { filters, list } = await readVisitors(searchParams);
  const { search, sort } = filters;
  const t = await getTranslations("AdminVisitors");
  const locale = await getLocale();
  const number = new Intl.NumberFormat(locale);
  return (
    <>
      <h1>{t("heading")}</h1>
      <FilterForm path="/admin/visitors" filters={filters} kind="search">
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
      </FilterForm>
      <ListResult
        {...list}
        headings={[
          t("columns.visitor"),
          t("columns.metadata"),
          { label: t("columns.sessions"), className: "num" },
          t("columns.created"),
          t("columns.lastSeen"),
        ]}
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
