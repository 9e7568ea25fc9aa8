import { auditByOf } from "../../admin/auth/admin-access";
import {
  answerTestRunSchema,
  runAnswerTests,
  runAnswerTestsInputSchema,
} from "../../admin/knowledge/answer-tests";
import {
  answerTestRunListSchema,
  answerTestSuiteIdInputSchema,
  answerTestSuiteListSchema,
  answerTestSuiteSchema,
  createAnswerTestSuiteInputSchema,
  storedAnswerTestRunSchema,
  updateAnswerTestSuiteInputSchema,
} from "../../admin/knowledge/answer-test-suites.schema";
import {
  createAnswerTestSuite,
  deleteAnswerTestSuite,
  getAnswerTestSuite,
  listAnswerTestRuns,
  listAnswerTestSuites,
  runAnswerTestSuite,
  updateAnswerTestSuite,
} from "../../admin/knowledge/answer-test-suites";
import { z } from "zod";
import {
  createKnowledgeArticleInputSchema,
  importKnowledgeInputSchema,
  importResultSchema,
  knowledgeArticleIdInputSchema,
  knowledgeArticleListSchema,
  knowledgeArticleSchema,
  listKnowledgeInputSchema,
  updateKnowledgeArticleInputSchema,
} from "../../admin/knowledge/knowledge.schema";
import {
  createKnowledgeArticle,
  deleteKnowledgeArticle,
  getKnowledgeArticle,
  listKnowledgeArticles,
  updateKnowledgeArticle,
} from "../../admin/knowledge/knowledge.service";
import { adminProcedure, createTRPCRouter } from "../trpc";

const tags = ["Admin knowledge base"];
const searchable = " Searched by the assistant within KNOWLEDGE_REFRESH_SECONDS on every instance.";

/** admin.knowledge.*: the help articles the assistant answers from (/admin/knowledge, /api/admin/knowledge). */
export const adminKnowledgeRouter = createTRPCRouter({
  list: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/knowledge",
        tags,
        protect: true,
        summary: "List help articles (admin)",
        description: "Every help article (at most 500), most recently changed first, without bodies.",
      },
      access: "agent",
      rest: { successMessage: "Articles listed." },
    })
    .input(listKnowledgeInputSchema)
    .output(knowledgeArticleListSchema)
    .query(({ ctx, input }) => listKnowledgeArticles(ctx.deps, input)),

  get: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/knowledge/{id}",
        tags,
        protect: true,
        summary: "Get a help article (admin)",
        description: "One article with its markdown body.",
      },
      errors: ["KNOWLEDGE_ARTICLE_NOT_FOUND"],
      access: "agent",
      rest: { successMessage: "Article found." },
    })
    .input(knowledgeArticleIdInputSchema)
    .output(knowledgeArticleSchema)
    .query(({ ctx, input }) => getKnowledgeArticle(ctx.deps, input)),

  create: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/knowledge",
        tags,
        protect: true,
        summary: "Create a help article (admin)",
        description: `A new article (markdown; \`## \` headings start searchable sections).${searchable}`,
      },
      errors: ["KNOWLEDGE_SLUG_TAKEN"],
      rest: { successStatus: 201, successMessage: "Article created." },
    })
    .input(createKnowledgeArticleInputSchema)
    .output(knowledgeArticleSchema)
    .mutation(({ ctx, input }) => createKnowledgeArticle(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

  update: adminProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/admin/knowledge/{id}",
        tags,
        protect: true,
        summary: "Edit, publish or unpublish a help article (admin)",
        description: `Changes the given fields; \`published: false\` takes it out of search and /help.${searchable}`,
      },
      errors: ["KNOWLEDGE_ARTICLE_NOT_FOUND", "KNOWLEDGE_SLUG_TAKEN"],
      rest: { successMessage: "Article updated." },
    })
    .input(updateKnowledgeArticleInputSchema)
    .output(knowledgeArticleSchema)
    .mutation(({ ctx, input }) => updateKnowledgeArticle(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

  delete: adminProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/admin/knowledge/{id}",
        tags,
        protect: true,
        summary: "Delete a help article (admin)",
        description: `Deletes it for good and returns it as it was.${searchable}`,
      },
      errors: ["KNOWLEDGE_ARTICLE_NOT_FOUND"],
      rest: { successMessage: "Article deleted." },
    })
    .input(knowledgeArticleIdInputSchema)
    .output(knowledgeArticleSchema)
    .mutation(({ ctx, input }) => deleteKnowledgeArticle(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

  import: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/knowledge/import",
        tags,
        protect: true,
        summary: "Import help articles from a page or a sitemap (admin)",
        description:
          "Fetches the page (or each same-origin page of the sitemap, up to KNOWLEDGE_IMPORT_MAX_PAGES), " +
          "respecting robots.txt, and stores its main content as markdown. A URL imported before updates its " +
          "article in place. Private and local addresses are refused unless KNOWLEDGE_IMPORT_ALLOW_PRIVATE=on. " +
          "Files (.md, .txt, .html, .pdf) are uploaded to POST /api/admin/knowledge/upload/.",
      },
      errors: [
        "KNOWLEDGE_IMPORT_REFUSED",
        "KNOWLEDGE_IMPORT_TOO_LARGE",
        "KNOWLEDGE_IMPORT_FAILED",
        "KNOWLEDGE_SLUG_TAKEN",
      ],
      rest: { successMessage: "Imported." },
    })
    .input(importKnowledgeInputSchema)
    .output(importResultSchema)
    // The importer (linkedom, Readability, Turndown, unpdf: ≈ 40 MB) is loaded on the first import, not at start.
    .mutation(async ({ ctx, input }) => {
      const { importFromUrl } = await import("../../admin/knowledge/knowledge-import");
      return importFromUrl(
        ctx.deps,
        input,
        ctx.deps.config.admin.knowledgeImport,
        auditByOf(ctx.principal, ctx.ip),
      );
    }),

  runTests: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/knowledge/tests",
        tags,
        protect: true,
        summary: "Run answer tests against the knowledge base (admin)",
        description:
          "Asks each question as the assistant would (same index, same confidence threshold, at most 3 sources) " +
          "and says whether an expected article came first (top1), among the first three (top3), or — for a " +
          "question with no expected article — whether it was declined. Nothing is stored.",
      },
      rest: { successMessage: "Answer tests run." },
    })
    .input(runAnswerTestsInputSchema)
    .output(answerTestRunSchema)
    .mutation(({ ctx, input }) => runAnswerTests(ctx.deps, input)),

  // Saved suites: agents may read them and their history (they read the knowledge base too); saving, changing,
  // deleting and running (which stores a run) are the admins'.
  listSuites: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/knowledge/tests/suites",
        tags,
        protect: true,
        summary: "List saved answer-test suites (admin, agent)",
        description:
          "Every saved suite, most recently changed first, with its questions and its newest run's summary.",
      },
      access: "agent",
      rest: { successMessage: "Suites listed." },
    })
    .output(answerTestSuiteListSchema)
    .query(({ ctx }) => listAnswerTestSuites(ctx.deps)),

  getSuite: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/knowledge/tests/suites/{id}",
        tags,
        protect: true,
        summary: "Get a saved answer-test suite (admin, agent)",
        description: "One suite with its questions and its newest run's summary.",
      },
      errors: ["ANSWER_TEST_SUITE_NOT_FOUND"],
      access: "agent",
      rest: { successMessage: "Suite found." },
    })
    .input(answerTestSuiteIdInputSchema)
    .output(answerTestSuiteSchema)
    .query(({ ctx, input }) => getAnswerTestSuite(ctx.deps, input.id)),

  createSuite: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/knowledge/tests/suites",
        tags,
        protect: true,
        summary: "Save an answer-test suite (admin)",
        description:
          "A name and questions (as for POST /api/admin/knowledge/tests/; may be empty, to fill later). A question " +
          "given twice (same text) is kept once. Audited as knowledge.suite_created.",
      },
      errors: ["ANSWER_TEST_SUITE_LIMIT"],
      rest: { successStatus: 201, successMessage: "Suite saved." },
    })
    .input(createAnswerTestSuiteInputSchema)
    .output(answerTestSuiteSchema)
    .mutation(({ ctx, input }) => createAnswerTestSuite(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

  updateSuite: adminProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/admin/knowledge/tests/suites/{id}",
        tags,
        protect: true,
        summary: "Change an answer-test suite (admin)",
        description:
          "Rename it (`name`), replace its questions (`questions`) or append some (`add_questions`, the one-click " +
          "'Add to suite' of /admin/gaps; a question already in it is not added twice). Its runs are kept. " +
          "Audited as knowledge.suite_updated.",
      },
      errors: ["ANSWER_TEST_SUITE_NOT_FOUND"],
      rest: { successMessage: "Suite changed." },
    })
    .input(updateAnswerTestSuiteInputSchema)
    .output(answerTestSuiteSchema)
    .mutation(({ ctx, input }) => updateAnswerTestSuite(ctx.deps, input, auditByOf(ctx.principal, ctx.ip))),

  deleteSuite: adminProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/admin/knowledge/tests/suites/{id}",
        tags,
        protect: true,
        summary: "Delete an answer-test suite (admin)",
        description: "The suite and its runs. Audited as knowledge.suite_deleted.",
      },
      errors: ["ANSWER_TEST_SUITE_NOT_FOUND"],
      rest: { successMessage: "Suite deleted." },
    })
    .input(answerTestSuiteIdInputSchema)
    .output(z.object({ id: z.uuid(), deleted: z.literal(true) }))
    .mutation(({ ctx, input }) =>
      deleteAnswerTestSuite(ctx.deps, input.id, auditByOf(ctx.principal, ctx.ip)),
    ),

  runSuite: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/knowledge/tests/suites/{id}/runs",
        tags,
        protect: true,
        summary: "Run a saved answer-test suite now (admin)",
        description:
          "Runs its questions as POST /api/admin/knowledge/tests/ does, stores the run and answers it: each result " +
          "has `change` against the suite's previous run (new, same, fixed, broke) and `changes` counts them. The " +
          "newest 50 runs per suite are kept.",
      },
      errors: ["ANSWER_TEST_SUITE_NOT_FOUND", "ANSWER_TEST_SUITE_EMPTY"],
      rest: { successStatus: 201, successMessage: "Suite run." },
    })
    .input(answerTestSuiteIdInputSchema)
    .output(storedAnswerTestRunSchema)
    .mutation(({ ctx, input }) => runAnswerTestSuite(ctx.deps, input.id)),

  listSuiteRuns: adminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/knowledge/tests/suites/{id}/runs",
        tags,
        protect: true,
        summary: "A suite's run history (admin, agent)",
        description: "Its runs, newest first (at most 50), each with its summary and per-question results.",
      },
      errors: ["ANSWER_TEST_SUITE_NOT_FOUND"],
      access: "agent",
      rest: { successMessage: "Runs listed." },
    })
    .input(answerTestSuiteIdInputSchema)
    .output(answerTestRunListSchema)
    .query(({ ctx, input }) => listAnswerTestRuns(ctx.deps, input.id)),
});

export type AdminKnowledgeRouter = typeof adminKnowledgeRouter;
