import type { ChatDeps } from "../../chat/deps";
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

/** A free slug: `wanted` itself, or with -2, -3 … appended. */
async function freeSlug(deps: ChatDeps, wanted: string, exceptId?: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const suffix = attempt === 1 ? "" : `-${attempt}`;
    const slug = `${wanted.slice(0, 80 - suffix.length).replace(/-+$/, "")}${suffix}`;
    const taken = await deps.db.knowledgeArticle.findUnique({ where: { slug }, select: { id: true } });
    if (!taken || taken.id === exceptId) return slug;
  }
}

export async function createKnowledgeArticle(
  deps: ChatDeps,
  input: CreateKnowledgeArticleInput,
  source: { kind: SourceKind; url: string | null } = { kind: "editor", url: null },
): Promise<KnowledgeArticleDto> {
  const slug = input.slug ?? (await freeSlug(deps, slugify(input.title)));
  try {
    const row = await deps.db.knowledgeArticle.create({
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
    return toDto(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("KNOWLEDGE_SLUG_TAKEN", { params: { slug } });
    throw error;
  }
}

export async function updateKnowledgeArticle(
  deps: ChatDeps,
  input: UpdateKnowledgeArticleInput,
): Promise<KnowledgeArticleDto> {
  const existing = await findArticle(deps, input.id);
  const title = input.title ?? existing.title;
  const body = input.body ?? existing.body;
  try {
    const row = await deps.db.knowledgeArticle.update({
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
    return toDto(row);
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("KNOWLEDGE_SLUG_TAKEN", { params: { slug: input.slug ?? existing.slug } });
    throw error;
  }
}

export async function deleteKnowledgeArticle(
  deps: ChatDeps,
  input: { id: string },
): Promise<KnowledgeArticleDto> {
  const existing = await findArticle(deps, input.id);
  await deps.db.knowledgeArticle.deleteMany({ where: { id: existing.id } });
  return toDto(existing);
}

/**
 * Stores an imported document: a new article, or — when an article came from the same source URL before — that
 * article updated in place (its slug and published state kept; unchanged content is not rewritten).
 */
export async function upsertImportedArticle(
  deps: ChatDeps,
  document: { title: string; body: string; sourceUrl: string; kind: "url" | "upload"; published: boolean },
): Promise<{ status: "created" | "updated" | "unchanged"; article: KnowledgeArticleSummaryDto }> {
  const existing = await deps.db.knowledgeArticle.findUnique({ where: { source_url: document.sourceUrl } });
  const hash = articleContentHash(document.title, document.body);
  if (existing) {
    if (existing.content_hash === hash) return { status: "unchanged", article: toSummary(existing) };
    const row = await deps.db.knowledgeArticle.update({
      where: { id: existing.id },
      data: { title: document.title, body: document.body, content_hash: hash, updated_at: new Date() },
    });
    return { status: "updated", article: toSummary(row) };
  }
  const created = await createKnowledgeArticle(
    deps,
    { title: document.title, body: document.body, published: document.published },
    { kind: document.kind, url: document.sourceUrl },
  );
  const { body: _body, ...summary } = created;
  return { status: "created", article: summary };
}
