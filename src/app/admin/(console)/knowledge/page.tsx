import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orInvalidFilter, param } from "~/app/admin/_lib/admin-page";
import { formatTime } from "../../_components/format";
import { KnowledgeImport } from "./knowledge-import";

export const metadata: Metadata = { title: "Knowledge base" };

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const SOURCE_LABELS: Record<string, string> = {
  file: "shipped file",
  editor: "editor",
  url: "imported page",
  upload: "uploaded file",
};

/** The help articles the assistant answers from: search, open one to edit, write a new one, import. */
export default async function KnowledgePage({ searchParams }: Props) {
  const search = param((await searchParams).q);
  const { caller } = await adminPage(
    search ? `/admin/knowledge?q=${encodeURIComponent(search)}` : "/admin/knowledge",
  );
  const list = await orInvalidFilter(caller.admin.knowledge.list({ search }));
  return (
    <>
      <h1>Knowledge base</h1>
      <p className="muted" style={{ maxWidth: 720 }}>
        The help articles the assistant answers from and links to (<code>/help/&lt;slug&gt;</code>). Each{" "}
        <code>## </code> section is one searchable passage. Changes are searched within seconds, on every
        instance; unpublished articles are neither searched nor shown.
      </p>
      <form className="filters" method="get">
        <label>
          Search
          <input
            name="q"
            defaultValue={search ?? ""}
            placeholder="title, slug or text"
            size={30}
            maxLength={200}
          />
        </label>
        <button type="submit">Search</button>
        <Link className="button" href="/admin/knowledge/new">
          New article
        </Link>
      </form>
      <KnowledgeImport />
      {"error" in list ? (
        <p role="alert" className="error">
          {list.error}
        </p>
      ) : list.data.items.length === 0 ? (
        <p className="muted">{search ? "No article matches." : "No articles yet."}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Title</th>
              <th>Page</th>
              <th>Status</th>
              <th>Source</th>
              <th>Changed</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((article) => (
              <tr key={article.id}>
                <td>
                  <Link href={`/admin/knowledge/${article.id}`}>{article.title}</Link>
                </td>
                <td>
                  <code>{article.url}</code>
                </td>
                <td>{article.published ? "published" : <span className="muted">unpublished</span>}</td>
                <td title={article.source_url ?? undefined}>{SOURCE_LABELS[article.source_kind]}</td>
                <td>{formatTime(article.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
