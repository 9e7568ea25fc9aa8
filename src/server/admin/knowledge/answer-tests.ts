import { z } from "zod";
import { MESSAGE_MAX_CHARS } from "~/shared/limits";
import type { ChatDeps } from "../../chat/deps";
import { sharedKnowledge } from "../../chat/knowledge/live-knowledge";
import { passageSource, type KnowledgeHit } from "../../chat/responder/knowledge-base";
import { smallTalk } from "../../chat/responder/text-terms";

/**
 * Answer tests (issue 22): questions asked to the knowledge base the assistant answers from, each with the
 * articles that should answer it (by id, slug, help URL or source URL) or none (it must decline), so a site owner
 * sees what a change to the articles did. The questions are searched exactly as the knowledge-base responder
 * searches a visitor's message (the same live index, the same confidence threshold, at most 3 sources).
 */
export const ANSWER_TEST_MAX_QUESTIONS = 200;
const SOURCES_PER_ANSWER = 3;

export const answerTestQuestionSchema = z
  .strictObject({
    question: z.string().trim().min(1).max(MESSAGE_MAX_CHARS),
    expected: z
      .array(z.string().trim().min(1).max(2_000))
      .max(20)
      .default([])
      .meta({
        description:
          "The articles that answer it: an article id, its slug, its help page (/help/<slug>, an anchor is " +
          "ignored) or the URL it was imported from. Empty: the assistant must decline (no sources).",
      }),
  })
  .meta({ id: "AnswerTestQuestion" });

export const runAnswerTestsInputSchema = z.strictObject({
  questions: z.array(answerTestQuestionSchema).min(1).max(ANSWER_TEST_MAX_QUESTIONS),
});
export type RunAnswerTestsInput = z.input<typeof runAnswerTestsInputSchema>;

const answerTestSourceSchema = z.object({
  title: z.string(),
  url: z.string(),
  score: z.number(),
  article_id: z.uuid().nullable(),
});

export const answerTestResultSchema = z
  .object({
    question: z.string(),
    expected: z.array(z.string()),
    sources: z.array(answerTestSourceSchema).meta({ description: "What the assistant cites, best first." }),
    top1: z.boolean().meta({ description: "The first source is an expected article." }),
    top3: z.boolean().meta({ description: "An expected article is among the first three sources." }),
    declined: z.boolean().meta({ description: "No source: the assistant says it could not find it." }),
    passed: z.boolean().meta({
      description: "Expected articles given: top3. None given: declined.",
    }),
  })
  .meta({ id: "AnswerTestResult" });

export const answerTestRunSchema = z
  .object({
    results: z.array(answerTestResultSchema),
    summary: z.object({
      total: z.number().int(),
      top1: z.number().int().meta({ description: "Questions with expected articles answered by one first." }),
      top3: z
        .number()
        .int()
        .meta({ description: "Questions with an expected article among the first three." }),
      declined_correctly: z
        .number()
        .int()
        .meta({ description: "Must-decline questions that were declined." }),
      passed: z.number().int(),
    }),
  })
  .meta({ id: "AnswerTestRun" });
export type AnswerTestRunDto = z.infer<typeof answerTestRunSchema>;

/** "/help/slug#x", "https://host/help/slug" → "slug"; anything else as it is (lower-cased, no trailing slash). */
function normalizeReference(reference: string): string {
  const trimmed = reference.trim().replace(/#.*$/, "").replace(/\/+$/, "");
  const help = /(?:^|\/)help\/([^/?#]+)$/.exec(trimmed);
  return (help ? help[1]! : trimmed).toLowerCase();
}

/** Runs the questions against the live knowledge base; nothing is stored. */
export async function runAnswerTests(deps: ChatDeps, input: RunAnswerTestsInput): Promise<AnswerTestRunDto> {
  const { questions } = runAnswerTestsInputSchema.parse(input);
  const base = await sharedKnowledge(deps.db, { refreshMs: 0 }).current();
  const articles = await deps.db.knowledgeArticle.findMany({
    select: { id: true, slug: true, source_url: true },
  });
  const bySlug = new Map(articles.map((article) => [article.slug, article]));
  const results: AnswerTestRunDto["results"] = [];
  for (const { question, expected } of questions) {
    const hits: KnowledgeHit[] = smallTalk(question) ? [] : await base.find(question, SOURCES_PER_ANSWER);
    const wanted = new Set(expected.map(normalizeReference));
    const sources = hits.map((hit) => {
      const article = bySlug.get(hit.passage.article_slug);
      return { ...passageSource(hit), article_id: article?.id ?? null };
    });
    const matches = hits.map((hit) => {
      const article = bySlug.get(hit.passage.article_slug);
      const keys = [hit.passage.article_slug, article?.id, article?.source_url].filter(
        (key): key is string => typeof key === "string",
      );
      return keys.some((key) => wanted.has(normalizeReference(key)));
    });
    const declined = hits.length === 0;
    const top1 = wanted.size > 0 && matches[0] === true;
    const top3 = wanted.size > 0 && matches.slice(0, 3).includes(true);
    results.push({
      question,
      expected,
      sources,
      top1,
      top3,
      declined,
      passed: wanted.size > 0 ? top3 : declined,
    });
  }
  const count = (test: (result: (typeof results)[number]) => boolean) => results.filter(test).length;
  return {
    results,
    summary: {
      total: results.length,
      top1: count((result) => result.top1),
      top3: count((result) => result.top3),
      declined_correctly: count((result) => result.expected.length === 0 && result.declined),
      passed: count((result) => result.passed),
    },
  };
}
