import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { adminPage, canSee, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import { ARTICLE_SEARCH_MAX_CHARS } from "~/shared/limits";
import { KnowledgeImport } from "./knowledge-import";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminKnowledge");
  return { title: t("heading") };
}

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** Times in the page's language, in UTC: the same moment for every admin whatever their zone. */
const WHEN = {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
} as const satisfies Intl.DateTimeFormatOptions;

/** The help articles the assistant answers from: search, open one to edit, write a new one, import. */
export default async function KnowledgePage({ searchParams }: Props) {
  const search = param((await searchParams).q);
  const { admin, caller } = await adminPage(
    search ? `/admin/knowledge?q=${encodeURIComponent(search)}` : "/admin/knowledge",
    "agent",
  );
  // Agents read the articles; writing and importing them is for admins.
  const editor = canSee(admin, "admin");
  const list = await orInvalidFilter(caller.admin.knowledge.list({ search }));
  const t = await getTranslations("AdminKnowledge");
  const format = await getFormatter();
  return (
    <>
      <h1>{t("heading")}</h1>
      <p className="muted" style={{ maxInlineSize: 720 }}>
        {t.rich("intro", {
          path: "/help/<slug>",
          section: "## ",
          code: (chunks) => <code>{chunks}</code>,
        })}
      </p>
      <form className="filters" method="get">
        <label>
          {t("search")}
          <input
            name="q"
            defaultValue={search ?? ""}
            placeholder={t("searchPlaceholder")}
            size={30}
            maxLength={ARTICLE_SEARCH_MAX_CHARS}
          />
        </label>
        <button type="submit">{t("searchButton")}</button>
        {editor && (
          <Link className="button" href="/admin/knowledge/new">
            {t("newArticle")}
          </Link>
        )}
      </form>
      {editor && <KnowledgeImport />}
      {"error" in list ? (
        <p role="alert" className="error">
          {list.error}
        </p>
      ) : list.data.items.length === 0 ? (
        <p className="muted">{search ? t("noMatch") : t("empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t("columns.title")}</th>
              <th>{t("columns.page")}</th>
              <th>{t("columns.status")}</th>
              <th>{t("columns.source")}</th>
              <th>{t("columns.changed")}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((article) => (
              <tr key={article.id}>
                <td>
                  {editor ? (
                    <Link href={`/admin/knowledge/${article.id}`}>{article.title}</Link>
                  ) : (
                    <a href={article.url}>{article.title}</a>
                  )}
                </td>
                <td>
                  <code>{article.url}</code>
                </td>
                <td>
                  {article.published ? t("published") : <span className="muted">{t("unpublished")}</span>}
                </td>
                <td title={article.source_url ?? undefined}>{t(`sources.${article.source_kind}`)}</td>
                <td>{format.dateTime(new Date(article.updated_at), WHEN)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
