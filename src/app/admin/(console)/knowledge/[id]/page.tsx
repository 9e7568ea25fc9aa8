import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { adminPage, orNotFound } from "~/app/admin/_lib/admin-page";
import { KnowledgeEditor } from "../knowledge-editor";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminKnowledge");
  return { title: t("editArticle") };
}

interface Props {
  params: Promise<{ id: string }>;
}

export default async function EditKnowledgeArticlePage({ params }: Props) {
  const { id } = await params;
  const { caller } = await adminPage(`/admin/knowledge/${id}`);
  const article = await orNotFound(caller.admin.knowledge.get({ id }));
  const t = await getTranslations("AdminKnowledge");
  return (
    <>
      <p>
        <Link href="/admin/knowledge">{t("backToList")}</Link>
      </p>
      <h1>{article.title}</h1>
      <p className="muted">
        {article.published
          ? t.rich("publishedAt", {
              url: article.url,
              link: (chunks) => <Link href={article.url}>{chunks}</Link>,
            })
          : t("unpublishedNote")}
        {article.source_url && (
          <>
            {" · "}
            {t.rich("importedFrom", {
              url: article.source_url,
              code: (chunks) => <code>{chunks}</code>,
            })}
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
