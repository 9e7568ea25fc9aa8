import type { Metadata } from "next";
import Link from "next/link";
import { adminPage, orNotFound } from "~/app/admin/_lib/admin-page";
import { KnowledgeEditor } from "../knowledge-editor";

export const metadata: Metadata = { title: "Edit article" };

interface Props {
  params: Promise<{ id: string }>;
}

export default async function EditKnowledgeArticlePage({ params }: Props) {
  const { id } = await params;
  const { caller } = await adminPage(`/admin/knowledge/${id}`);
  const article = await orNotFound(caller.admin.knowledge.get({ id }));
  return (
    <>
      <p>
        <Link href="/admin/knowledge">← Knowledge base</Link>
      </p>
      <h1>{article.title}</h1>
      <p className="muted">
        {article.published ? (
          <>
            Published at <Link href={article.url}>{article.url}</Link>
          </>
        ) : (
          "Unpublished: not searched, not shown on /help."
        )}
        {article.source_url && (
          <>
            {" "}
            · imported from <code>{article.source_url}</code> (a re-import replaces edits)
          </>
        )}
      </p>
      <KnowledgeEditor
        id={article.id}
        initial={{
          title: article.title,
          slug: article.slug,
          body: article.body,
          published: article.published,
        }}
      />
    </>
  );
}
