import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../../chat/deps";
import { AppError } from "../../errors/app-error";
import { isUuid } from "../../chat/ids";
import { decodeCursor, keysetWhere, toPage } from "../../chat/pagination";
import { toSessionDto } from "../../chat/sessions/sessions.service";
import type { GetVisitorInput, ListVisitorsInput, VisitorDetailDto } from "./visitor-admin.schema";
import { toVisitorDto } from "../../chat/visitors/visitors.service";
import type { VisitorDto } from "../../chat/visitors/visitor.schema";

/** Text search in metadata looks at this many matches at most (newest first). */
const SEARCH_MATCH_CAP = 1000;
const DETAIL_SESSIONS = 50;

/** Ids of visitors whose id equals, or whose metadata JSON contains, the search text. */
async function searchVisitorIds(deps: ChatDeps, search: string): Promise<string[]> {
  const pattern = `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  const rows =
    deps.dialect === "postgresql"
      ? await deps.db.$queryRaw<{ id: string }[]>`
          SELECT id::text AS id FROM visitors
          WHERE id::text = ${search.toLowerCase()} OR metadata::text ILIKE ${pattern} ESCAPE '\\'
          ORDER BY created_at DESC LIMIT ${SEARCH_MATCH_CAP}`
      : await deps.db.$queryRaw<{ id: string }[]>`
          SELECT id FROM visitors
          WHERE id = ${search.toLowerCase()} OR metadata LIKE ${pattern} ESCAPE '\\'
          ORDER BY created_at DESC LIMIT ${SEARCH_MATCH_CAP}`;
  return rows.map((row) => row.id);
}

/** All visitors, newest or most recently seen first (admin only). */
export async function listVisitors(
  deps: ChatDeps,
  input: ListVisitorsInput,
): Promise<{ items: (VisitorDto & { session_count: number })[]; next_cursor: string | null }> {
  const after = decodeCursor(input.cursor);
  const matchingIds = input.search ? await searchVisitorIds(deps, input.search) : undefined;
  const key = input.sort === "last_seen" ? "last_seen_at" : "created_at";
  const rows = await deps.db.visitor.findMany({
    where: {
      ...(matchingIds && { id: { in: matchingIds } }),
      ...keysetWhere<Prisma.VisitorWhereInput>(key, after, "desc"),
    },
    orderBy: [{ [key]: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    include: { _count: { select: { sessions: true } } },
  });
  return toPage(
    rows,
    input.limit,
    (row) => row[key],
    (row) => ({
      ...toVisitorDto(row),
      session_count: row._count.sessions,
    }),
  );
}

/** One visitor with its most recent sessions (admin only). */
export async function getVisitorDetail(deps: ChatDeps, input: GetVisitorInput): Promise<VisitorDetailDto> {
  if (!isUuid(input.id)) throw new AppError("VISITOR_NOT_FOUND");
  const row = await deps.db.visitor.findUnique({
    where: { id: input.id },
    include: {
      _count: { select: { sessions: true } },
      sessions: { orderBy: [{ updated_at: "desc" }, { id: "desc" }], take: DETAIL_SESSIONS },
    },
  });
  if (!row) throw new AppError("VISITOR_NOT_FOUND");
  return {
    ...toVisitorDto(row),
    session_count: row._count.sessions,
    sessions: row.sessions.map(toSessionDto),
  };
}
