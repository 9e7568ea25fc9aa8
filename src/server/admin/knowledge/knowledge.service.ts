import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { AuditBy } from "../../chat/audit/audit-record";
import type { ChatDeps } from "../../chat/deps";
import { commitInTransaction } from "../../chat/events/commit-change";
import { isUuid } from "../../chat/ids";
import { articleContentHash, slugify, type StoredArticle } from "../../chat/knowledge/articles";
import { isUniqueViolation } from "../../db/errors";
import { AppError } from "../../errors/app-error";
import type {
  CreateKnowledgeArticleInput,
  KnowledgeArticleDto,
  KnowledgeArticleSummaryDto,
  ListKnowledgeInput,
  UpdateKnowledgeArticleInput,
} from "./knowledge.schema";

/**
 * The help articles, managed in /admin/knowledge and under /api/admin/knowledge: every change bumps updated_at, which
 * is how each instance's responder notices it (src/server/chat/knowledge/live-knowledge.ts).
 */
const LIST_LIMIT = 500;

type SourceKind = KnowledgeArticleSummaryDto["source_kind"];

function toSummary(row: StoredArticle): KnowledgeArticleSummaryDto {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    published: row.published,
    source_kind: (["file", "editor", "url", "upload"].includes(row.source_kind)
      ? row.source_kind
      : "editor") as SourceKind,
    source_url: row.source_url,
    url: `/help/${row.slug}`,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function toDto(row: StoredArticle): KnowledgeArticleDto {
  return { ...toSummary(row), body: row.body };
}

/** Every article (at most 500), most recently changed first; `search` matches the title, slug or body. */
export async function listKnowledgeArticles(
  deps: ChatDeps,
  input: ListKnowledgeInput,
): Promise<{ items: KnowledgeArticleSummaryDto[] }> {
  const search = input?.search;
  const contains = (value: string) =>
    deps.dialect === "postgresql" ? { contains: value, mode: "insensitive" as const } : { contains: value };
  const rows = await deps.db.knowledgeArticle.findMany({
    where: search
      ? { OR: [{ title: contains(search) }, { slug: contains(search) }, { body: contains(search) }] }
      : undefined,
    orderBy: [{ updated_at: "desc" }, { id: "desc" }],
    take: LIST_LIMIT,
  });
  return { items: rows.map(toSummary) };
}

async function findArticle(deps: ChatDeps, id: string): Promise<StoredArticle> {
  const row = isUuid(id) ? await deps.db.knowledgeArticle.findUnique({ where: { id } }) : null;
  if (!row) throw new AppError("KNOWLEDGE_ARTICLE_NOT_FOUND");
  return row;
}

export async function getKnowledgeArticle(
  deps: ChatDeps,
  input: { id: string },
): Promise<KnowledgeArticleDto> {
  return toDto(await findArticle(deps, input.id));
}

/** What the writes below read and write with: the database, or the transaction of the change they are part of. */
type ArticlesDb = Pick<Prisma.TransactionClient, "knowledgeArticle">;

/** A free slug: `wanted` itself, or with -2, -3 … appended. */
async function freeSlug(db: ArticlesDb, wanted: string, exceptId?: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const suffix = attempt === 1 ? "" : `-${attempt}`;
    const slug = `${wanted.slice(0, 80 - suffix.length).replace(/-+$/, "")}${suffix}`;
    const taken = await db.knowledgeArticle.findUnique({ where: { slug }, select: { id: true } });
    if (!taken || taken.id === exceptId) return slug;
  }
}

async function insertArticle(
  db: ArticlesDb,
  input: CreateKnowledgeArticleInput,
  source: { kind: SourceKind; url: string | null },
): Promise<StoredArticle> {
  const slug = input.slug ?? (await freeSlug(db, slugify(input.title)));
  try {
    return await db.knowledgeArticle.create({
      data: {
        slug,
        title: input.title,
        body: input.body,
        published: input.published,
        source_kind: source.kind,
        source_url: source.url,
        content_hash: articleContentHash(input.title, input.body),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("KNOWLEDGE_SLUG_TAKEN", { params: { slug } });
    throw error;
  }
}

/*
 * Every change below is audited (knowledge.*) with `by`, in its transaction: the article's id and the names of
 * the fields changed, never its text.
 */

export async function createKnowledgeArticle(
  deps: ChatDeps,
  input: CreateKnowledgeArticleInput,
  by: AuditBy,
): Promise<KnowledgeArticleDto> {
  const row = await commitInTransaction(deps, async (tx) => {
    const created = await insertArticle(tx, input, { kind: "editor", url: null });
    return {
      result: created,
      audit: {
        ...by,
        action: "knowledge.created",
        object: { type: "knowledge_article", id: created.id },
        detail: { published: created.published },
      },
    };
  });
  return toDto(row);
}

/** Changes the title, text, slug or published state (publishing is an update of `published`). */
export async function updateKnowledgeArticle(
  deps: ChatDeps,
  input: UpdateKnowledgeArticleInput,
  by: AuditBy,
): Promise<KnowledgeArticleDto> {
  const fields = (["title", "body", "slug", "published"] as const).filter(
    (field) => input[field] !== undefined,
  );
  const row = await commitInTransaction(deps, async (tx) => {
    const existing = isUuid(input.id)
      ? await tx.knowledgeArticle.findUnique({ where: { id: input.id } })
      : null;
    if (!existing) throw new AppError("KNOWLEDGE_ARTICLE_NOT_FOUND");
    const title = input.title ?? existing.title;
    const body = input.body ?? existing.body;
    let updated: StoredArticle;
    try {
      updated = await tx.knowledgeArticle.update({
        where: { id: existing.id },
        data: {
          title,
          body,
          slug: input.slug ?? existing.slug,
          published: input.published ?? existing.published,
          content_hash: articleContentHash(title, body),
          updated_at: new Date(),
        },
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError("KNOWLEDGE_SLUG_TAKEN", { params: { slug: input.slug ?? existing.slug } });
      throw error;
    }
    return {
      result: updated,
      audit: {
        ...by,
        action: "knowledge.updated",
        object: { type: "knowledge_article", id: updated.id },
        detail: { fields: fields.join(","), published: updated.published },
      },
    };
  });
  return toDto(row);
}

export async function deleteKnowledgeArticle(
  deps: ChatDeps,
  input: { id: string },
  by: AuditBy,
): Promise<KnowledgeArticleDto> {
  const existing = await findArticle(deps, input.id);
  await commitInTransaction(deps, async (tx) => {
    const { count } = await tx.knowledgeArticle.deleteMany({ where: { id: existing.id } });
    if (Number(count) === 0) throw new AppError("KNOWLEDGE_ARTICLE_NOT_FOUND");
    return {
      result: null,
      audit: {
        ...by,
        action: "knowledge.deleted",
        object: { type: "knowledge_article", id: existing.id },
      },
    };
  });
  return toDto(existing);
}

/** A document fetched or uploaded for import, before it is stored. */
export interface ImportedDocument {
  title: string;
  body: string;
  sourceUrl: string;
  kind: "url" | "upload";
  published: boolean;
  /** The first part of a split source (`count` parts): parts of an earlier, longer version beyond it are removed. */
  partsOf?: { source: string; count: number };
}

export type ImportedArticle = {
  status: "created" | "updated" | "unchanged";
  article: KnowledgeArticleSummaryDto;
};

/**
 * Stores an imported document with `db` (the import's transaction): a new article, or — when an article came
 * from the same source URL before — that article updated in place (its slug and published state kept; unchanged
 * content is not rewritten).
 */
async function upsertImportedArticle(db: ArticlesDb, document: ImportedDocument): Promise<ImportedArticle> {
  const existing = await db.knowledgeArticle.findUnique({ where: { source_url: document.sourceUrl } });
  const hash = articleContentHash(document.title, document.body);
  if (existing) {
    if (existing.content_hash === hash) return { status: "unchanged", article: toSummary(existing) };
    const row = await db.knowledgeArticle.update({
      where: { id: existing.id },
      data: { title: document.title, body: document.body, content_hash: hash, updated_at: new Date() },
    });
    return { status: "updated", article: toSummary(row) };
  }
  const created = await insertArticle(
    db,
    { title: document.title, body: document.body, published: document.published },
    { kind: document.kind, url: document.sourceUrl },
  );
  return { status: "created", article: toSummary(created) };
}

/** Removes the parts `#part-n` of `source` with n > count (the page became shorter since its last import). */
async function removeStaleParts(db: ArticlesDb, partsOf: { source: string; count: number }): Promise<number> {
  const prefix = `${partsOf.source}#part-`;
  const parts = await db.knowledgeArticle.findMany({
    where: { source_url: { startsWith: prefix } },
    select: { id: true, source_url: true },
  });
  const stale = parts.filter((part) => {
    const number = Number(part.source_url!.slice(prefix.length));
    return Number.isInteger(number) && number > partsOf.count;
  });
  if (stale.length > 0)
    await db.knowledgeArticle.deleteMany({ where: { id: { in: stale.map((part) => part.id) } } });
  return stale.length;
}

/**
 * Stores an import's documents (fetched or uploaded beforehand) in one transaction, audited as ONE
 * knowledge.imported entry with `by` (the source kind and the counts).
 */
export async function storeImportedArticles(
  deps: ChatDeps,
  documents: readonly ImportedDocument[],
  by: AuditBy,
  extra: { skipped?: number } = {},
): Promise<ImportedArticle[]> {
  return commitInTransaction(
    deps,
    async (tx) => {
      const items: ImportedArticle[] = [];
      let removed = 0;
      for (const document of documents) {
        items.push(await upsertImportedArticle(tx, document));
        if (document.partsOf) removed += await removeStaleParts(tx, document.partsOf);
      }
      const count = (status: ImportedArticle["status"]) =>
        items.filter((item) => item.status === status).length;
      return {
        result: items,
        audit: {
          ...by,
          action: "knowledge.imported",
          ...(items.length === 1 && { object: { type: "knowledge_article", id: items[0]!.article.id } }),
          detail: {
            source: documents[0]?.kind ?? "url",
            created: count("created"),
            updated: count("updated"),
            unchanged: count("unchanged"),
            skipped: extra.skipped ?? 0,
            removed_parts: removed,
          },
        },
      };
    },
    { timeout: 30_000 },
  );
}
