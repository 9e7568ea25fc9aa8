"use client";

import { useTranslations } from "next-intl";
import type { AnswerTestRunDto } from "~/server/admin/knowledge/answer-tests";

/** A run's counts in one sentence (passed, top-1 and top-3 hits, correct declines), for a run now or a stored one. */
export function RunSummary({ summary }: { summary: AnswerTestRunDto["summary"] }) {
  const t = useTranslations("AdminAnswerTests");
  return t("summary", {
    total: summary.total,
    passed: summary.passed,
    top1: summary.top1,
    top3: summary.top3,
    declined: summary.declined_correctly,
  });
}
