import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminPage, param } from "~/app/admin/_lib/admin-page";
import { AnswerTestsForm } from "./answer-tests-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminAnswerTests");
  return { title: t("title") };
}

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/**
 * Answer tests: questions asked as the assistant would answer them, with the articles expected to answer (or
 * none: must decline). `?question=<text>` (the knowledge-gaps report's "Test this question") adds a line.
 */
export default async function AnswerTestsPage({ searchParams }: Props) {
  const question = param((await searchParams).question)
    ?.trim()
    .replace(/\s+/g, " ")
    .slice(0, 500);
  await adminPage(
    question ? `/admin/knowledge/tests?question=${encodeURIComponent(question)}` : "/admin/knowledge/tests",
  );
  const t = await getTranslations("AdminAnswerTests");
  return (
    <>
      <h1>{t("heading")}</h1>
      <p>{t("intro")}</p>
      <AnswerTestsForm initial={question ? `${question} | ` : ""} />
    </>
  );
}
