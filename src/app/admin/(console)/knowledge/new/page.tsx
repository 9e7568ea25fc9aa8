import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminPage, param } from "~/app/admin/_lib/admin-page";
import { KnowledgeEditor } from "../knowledge-editor";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminKnowledge");
  return { title: t("newArticle") };
}

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/**
 * A new help article. `?question=<text>` (the knowledge-gaps report's "Write an article") pre-fills the title and
 * a first section headed by the visitor's question, so the answer is found for that wording.
 */
export default async function NewKnowledgeArticlePage({ searchParams }: Props) {
  const question = param((await searchParams).question)
    ?.trim()
    .replace(/\s+/g, " ")
    .slice(0, 200);
  await adminPage(
    question ? `/admin/knowledge/new?question=${encodeURIComponent(question)}` : "/admin/knowledge/new",
  );
  const t = await getTranslations("AdminKnowledge");
  return (
    <>
      <h1>{t("newArticle")}</h1>
      <KnowledgeEditor
        initial={{
          title: question ?? "",
          slug: "",
          body: question ? `## ${question}\n\n` : "## \n\n",
          published: true,
        }}
      />
    </>
  );
}
