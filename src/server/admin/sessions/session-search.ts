/**
 * Full-text search over conversations' messages (issue 26), with each database's own index: SQLite's FTS5 table
 * fts_messages (an external-content index of messages.content kept by triggers), PostgreSQL's GIN index on
 * to_tsvector('simple', content). Both are created by the `message_search` migrations.
 *
 * A search is its words (src/shared/search-snippet.ts): every word must occur in one message, as a word or the
 * start of one (prefix), case-insensitive. The words are quoted by this code on both databases, so no input is
 * ever query syntax (quotes, `*`, `AND(`, `NEAR`, `:` are separators). Visitor, assistant and agent messages are
 * searched; system lines and the team's private notes are not.
 */
import { Prisma } from "~/generated/prisma-postgresql/client";
import { snippetOf, type Snippet } from "~/shared/search-snippet";
import type { ChatDeps } from "../../chat/deps";

/** Searches matching at most this many messages read their sessions' ids at once; others walk the sessions. */
export const RARE_MATCH_CAP = 10_000;

/** The FTS5 query of the words: each a quoted prefix term, all required. */
function ftsQuery(words: string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
}

/** The tsquery text of the words: each a quoted prefix lexeme, all required. */
function tsQuery(words: string[]): string {
  return words.map((word) => `'${word.replaceAll("\\", "\\\\").replaceAll("'", "''")}':*`).join(" & ");
}

const SEARCHED_ROLES = Prisma.sql`('user', 'assistant', 'agent')`;

/**
 * The ids of the sessions with a matching message, when at most RARE_MATCH_CAP messages match; null when more
 * do (the caller then walks the sessions in list order and asks which of each batch match).
 */
export async function rareMatchSessionIds(deps: ChatDeps, words: string[]): Promise<string[] | null> {
  const rows =
    deps.dialect === "postgresql"
      ? await deps.db.$queryRaw<{ id: string }[]>`
          SELECT session_id::text AS id FROM messages
          WHERE to_tsvector('simple'::regconfig, content) @@ to_tsquery('simple'::regconfig, ${tsQuery(words)})
            AND role::text IN ${SEARCHED_ROLES}
          LIMIT ${RARE_MATCH_CAP + 1}`
      : await deps.db.$queryRaw<{ id: string }[]>`
          SELECT m.session_id AS id FROM fts_messages f JOIN messages m ON m.rowid = f.rowid
          WHERE fts_messages MATCH ${ftsQuery(words)} AND m.role IN ${SEARCHED_ROLES}
          LIMIT ${RARE_MATCH_CAP + 1}`;
  if (rows.length > RARE_MATCH_CAP) return null;
  return [...new Set(rows.map((row) => row.id))];
}

/** Which of these sessions have a matching message. */
export async function sessionsMatching(
  deps: ChatDeps,
  sessionIds: string[],
  words: string[],
): Promise<Set<string>> {
  const rows = await newestMatchingMessages(deps, sessionIds, words);
  return new Set(rows.map((row) => row.session_id));
}

/** Per session of these, the id of its newest matching message (sessions without one are left out). */
async function newestMatchingMessages(
  deps: ChatDeps,
  sessionIds: string[],
  words: string[],
): Promise<{ id: string; session_id: string }[]> {
  if (sessionIds.length === 0) return [];
  return deps.dialect === "postgresql"
    ? deps.db.$queryRaw<{ id: string; session_id: string }[]>`
        SELECT DISTINCT ON (session_id) id::text AS id, session_id::text AS session_id FROM messages
        WHERE session_id = ANY(${sessionIds}::uuid[])
          AND to_tsvector('simple'::regconfig, content) @@ to_tsquery('simple'::regconfig, ${tsQuery(words)})
          AND role::text IN ${SEARCHED_ROLES}
        ORDER BY session_id, created_at DESC, id DESC`
    : // SQLite: the bare column id is the one of the row with the MAX (the newest row inserted).
      deps.db.$queryRaw<{ id: string; session_id: string }[]>`
        SELECT m.id AS id, m.session_id AS session_id, MAX(m.rowid) AS newest FROM messages m
        WHERE m.session_id IN (${Prisma.join(sessionIds)}) AND m.role IN ${SEARCHED_ROLES}
          AND EXISTS (SELECT 1 FROM fts_messages f WHERE fts_messages MATCH ${ftsQuery(words)} AND f.rowid = m.rowid)
        GROUP BY m.session_id`;
}

export interface SearchMatch extends Snippet {
  message_id: string;
  role: "user" | "assistant" | "agent";
  created_at: string;
}

/** Per session, its newest matching message as a snippet with the words highlighted. */
export async function searchMatches(
  deps: ChatDeps,
  sessionIds: string[],
  words: string[],
): Promise<Map<string, SearchMatch>> {
  const ids = await newestMatchingMessages(deps, sessionIds, words);
  if (ids.length === 0) return new Map();
  const messages = await deps.db.message.findMany({
    where: { id: { in: ids.map((row) => row.id) } },
    select: { id: true, session_id: true, role: true, content: true, created_at: true },
  });
  const matches = new Map<string, SearchMatch>();
  for (const message of messages) {
    if (message.role === "system") continue;
    matches.set(message.session_id, {
      message_id: message.id,
      role: message.role,
      created_at: message.created_at.toISOString(),
      ...snippetOf(message.content, words),
    });
  }
  return matches;
}
