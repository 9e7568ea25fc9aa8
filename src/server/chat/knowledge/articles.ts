import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { parseArticle, type KnowledgePassage } from "../responder/knowledge-base";

/**
 * The help articles in the database (table knowledge_articles): what the responders search and the /help pages
 * show. The markdown files in content/knowledge are the default content, copied in once when the table is empty.
 */
export interface StoredArticle {
  id: string;
  slug: string;
  title: string;
  /** Markdown without the `# Title` line (the title is its own column). */
  body: string;
  published: boolean;
  source_kind: string;
  source_url: string | null;
  content_hash: string;
  created_at: Date;
  updated_at: Date;
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function articleContentHash(title: string, body: string): string {
  return createHash("sha256").update(title).update("\n").update(body).digest("hex");
}

/** A title as a slug: "Getting started!" → "getting-started" (ASCII letters and digits, at most 80 characters). */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "article";
}

/** Splits a markdown document into its `# Title` (or `fallbackTitle`) and the rest. */
export function splitTitle(markdown: string, fallbackTitle: string): { title: string; body: string } {
  const match = /^\s*#\s+(.+)\s*$/m.exec(markdown);
  if (match && markdown.slice(0, match.index).trim() === "") {
    return { title: match[1]!.trim(), body: markdown.slice(match.index + match[0].length).trim() };
  }
  return { title: fallbackTitle, body: markdown.trim() };
}

/** The whole article as markdown, as its help page renders it. */
export function articleMarkdown(article: Pick<StoredArticle, "title" | "body">): string {
  return `# ${article.title}\n\n${article.body}\n`;
}

/** An article's searchable passages (one per `## ` section, plus its introduction). */
export function articlePassages(article: Pick<StoredArticle, "slug" | "title" | "body">): KnowledgePassage[] {
  return parseArticle(`${article.slug}.md`, articleMarkdown(article));
}

/**
 * Copies content/knowledge/*.md into the table when it holds no article at all (first start). Idempotent and safe
 * to run from several instances at once: an article that already exists (by slug) is left as it is. Articles
 * deleted in the admin later are not brought back, since the table is no longer empty.
 */
export async function seedKnowledgeArticles(db: Db, directory: string): Promise<number> {
  if ((await db.knowledgeArticle.count()) > 0) return 0;
  let files: string[];
  try {
    files = (await readdir(directory)).filter((file) => file.endsWith(".md")).sort();
  } catch {
    return 0;
  }
  let created = 0;
  for (const file of files) {
    const slug = path.basename(file, ".md");
    if (!SLUG_PATTERN.test(slug)) continue;
    const { title, body } = splitTitle(await readFile(path.join(directory, file), "utf8"), slug);
    try {
      await db.knowledgeArticle.create({
        data: {
          slug,
          title,
          body,
          published: true,
          source_kind: "file",
          content_hash: articleContentHash(title, body),
        },
      });
      created += 1;
    } catch (error) {
      // Another instance seeded the same slug at the same moment: keep its row.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return created;
}

/** The published articles, by slug. */
export function listPublishedArticles(db: Db): Promise<StoredArticle[]> {
  return db.knowledgeArticle.findMany({ where: { published: true }, orderBy: { slug: "asc" } });
}

/**
 * The published articles, by slug, read `batch` at a time (a large knowledge base is not read in one statement,
 * which would hold the event loop with a synchronous SQLite driver).
 */
export async function* publishedArticlesInBatches(db: Db, batch = 25): AsyncIterable<StoredArticle[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await db.knowledgeArticle.findMany({
      where: { published: true, ...(after !== undefined && { slug: { gt: after } }) },
      orderBy: { slug: "asc" },
      take: batch,
    });
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.slug;
    if (rows.length < batch) return;
  }
}

/** One published article by slug, or null (unknown, malformed or unpublished). */
export async function findPublishedArticle(db: Db, slug: string): Promise<StoredArticle | null> {
  if (!SLUG_PATTERN.test(slug)) return null;
  const article = await db.knowledgeArticle.findUnique({ where: { slug } });
  return article?.published ? article : null;
}

/**
 * A cheap fingerprint of the whole table: any create, edit, publish/unpublish or delete changes it (an edit
 * bumps updated_at; a delete lowers the count; a delete plus a create moves max(updated_at)).
 */
export async function knowledgeVersion(db: Db): Promise<string> {
  const result = await db.knowledgeArticle.aggregate({ _count: { _all: true }, _max: { updated_at: true } });
  return `${result._count._all}:${result._max.updated_at?.toISOString() ?? "-"}`;
}
