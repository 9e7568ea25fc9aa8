import { z } from "zod";
import {
  ARTICLE_BODY_MAX_CHARS,
  ARTICLE_SEARCH_MAX_CHARS,
  ARTICLE_SLUG_MAX_CHARS,
  ARTICLE_TITLE_MAX_CHARS,
} from "~/shared/limits";
import { idSchema } from "../../chat/ids";
import { SLUG_PATTERN } from "../../chat/knowledge/articles";

/** Article bodies up to this many characters: defined once in src/shared/limits.ts. */
export const MAX_ARTICLE_CHARS = ARTICLE_BODY_MAX_CHARS;

const sourceKinds = ["file", "editor", "url", "upload"] as const;

export const knowledgeArticleSummarySchema = z
  .object({
    id: z.uuid(),
    slug: z.string().meta({ description: "Its help page is /help/<slug>." }),
    title: z.string(),
    published: z.boolean().meta({ description: "Only published articles are searched and shown on /help." }),
    source_kind: z.enum(sourceKinds).meta({
      description:
        "file: seeded from content/knowledge; editor: written in the admin; url: imported from a page; upload: an uploaded file.",
    }),
    source_url: z
      .string()
      .nullable()
      .meta({ description: "The page or file it was imported from (a re-import updates it)." }),
    url: z.string().meta({ description: "Its help page, e.g. /help/getting-started." }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: "KnowledgeArticleSummary" });
export type KnowledgeArticleSummaryDto = z.infer<typeof knowledgeArticleSummarySchema>;

export const knowledgeArticleSchema = knowledgeArticleSummarySchema
  .extend({
    body: z
      .string()
      .meta({ description: "Markdown after the title: `## ` headings start searchable sections." }),
  })
  .meta({ id: "KnowledgeArticle" });
export type KnowledgeArticleDto = z.infer<typeof knowledgeArticleSchema>;

export const knowledgeArticleListSchema = z.object({ items: z.array(knowledgeArticleSummarySchema) });

export const listKnowledgeInputSchema = z
  .strictObject({
    search: z
      .string()
      .trim()
      .max(ARTICLE_SEARCH_MAX_CHARS, `search must be at most ${ARTICLE_SEARCH_MAX_CHARS} characters`)
      .optional()
      .meta({ description: "Text in the title, slug or body (case-insensitive)." }),
  })
  .optional();
export type ListKnowledgeInput = z.infer<typeof listKnowledgeInputSchema>;

export const knowledgeArticleIdInputSchema = z.strictObject({ id: idSchema });

const titleSchema = z
  .string({ error: "title is required, e.g. Opening hours" })
  .trim()
  .min(1, "title is required, e.g. Opening hours")
  .max(ARTICLE_TITLE_MAX_CHARS, `title must be at most ${ARTICLE_TITLE_MAX_CHARS} characters`)
  .refine((value) => !/[\r\n]/.test(value), "title must be one line");
const bodySchema = z
  .string({ error: "body is required: the article's markdown" })
  .max(MAX_ARTICLE_CHARS, `body must be at most ${MAX_ARTICLE_CHARS} characters`);
const slugSchema = z
  .string()
  .trim()
  .max(ARTICLE_SLUG_MAX_CHARS, `slug must be at most ${ARTICLE_SLUG_MAX_CHARS} characters`)
  .regex(
    SLUG_PATTERN,
    "slug must be lowercase letters and digits separated by single hyphens, e.g. opening-hours",
  )
  .meta({ description: "Unset → derived from the title." });

export const createKnowledgeArticleInputSchema = z.strictObject({
  title: titleSchema,
  body: bodySchema,
  slug: slugSchema.optional(),
  published: z.boolean().default(true),
});
export type CreateKnowledgeArticleInput = z.infer<typeof createKnowledgeArticleInputSchema>;

export const updateKnowledgeArticleInputSchema = z.strictObject({
  id: idSchema,
  title: titleSchema.optional(),
  body: bodySchema.optional(),
  slug: slugSchema.optional(),
  published: z.boolean().optional(),
});
export type UpdateKnowledgeArticleInput = z.infer<typeof updateKnowledgeArticleInputSchema>;

export const importKnowledgeInputSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: "url must be an http(s) URL, e.g. https://example.com/help/returns" })
    .meta({ description: "A page, or a sitemap (XML) whose same-origin pages are imported." }),
  published: z.boolean().default(true),
});
export type ImportKnowledgeInput = z.infer<typeof importKnowledgeInputSchema>;

export const importReportEntrySchema = z
  .object({
    source: z
      .string()
      .meta({ description: "The page URL, or `upload:<file name>` (`upload:<archive>.zip/<path>`)." }),
    outcome: z.enum(["kept", "split", "refused"]).meta({
      description:
        "kept: stored as one article; split: longer than an article may be, stored as `parts` articles " +
        '"Title (part n)" cut at its headings; refused: not imported (see `reason`).',
    }),
    parts: z.number().int().meta({ description: "Articles stored from it (0 when refused)." }),
    chars: z.number().int().meta({ description: "Characters of markdown kept from it." }),
    title: z.string().nullable(),
    reason: z.string().nullable().meta({ description: "Why it was split or refused." }),
  })
  .meta({ id: "KnowledgeImportReportEntry" });
export type ImportReportEntry = z.infer<typeof importReportEntrySchema>;

export const importResultSchema = z
  .object({
    items: z.array(
      z.object({
        status: z.enum(["created", "updated", "unchanged"]),
        article: knowledgeArticleSummarySchema,
      }),
    ),
    skipped: z.array(z.object({ url: z.string(), reason: z.string() })).meta({
      description: "Pages not imported, with why (robots.txt, too large, other origin, no text …).",
    }),
    report: z.array(importReportEntrySchema).meta({
      description: "One line per page or file: kept, split or refused, and why.",
    }),
  })
  .meta({ id: "KnowledgeImportResult" });
export type ImportResultDto = z.infer<typeof importResultSchema>;
