/**
 * Full-text search over conversations' messages (issue 26), with each database's own index: SQLite's FTS5 table
 * fts_messages (an external-content index of messages.content kept by triggers), PostgreSQL's GIN index on
 * to_tsvector('simple', content). Both are created by the `message_search` migrations.
 *
 * A search is its words (src/shared/search-snippet.ts): every word must occur in one message, as a word or the
 * start of one (prefix), case-insensitive. The words are quoted by this code on both databases, so no input is
 * ever query syntax (quotes, `*`, `AND(`, `NEAR`, `:` are separators). Visitor, assistant and agent messages are
 * searched; system lines and the team's private notes are not.
 *
 * Matching messages are read newest first, straight from the index in batches (SQLite: FTS5 walks its rowids
 * backwards; PostgreSQL: the GIN index or messages_created_at_idx, whichever its planner finds cheaper), and a
 * conversation is ranked by its newest matching message.
 */
import { Prisma } from "~/generated/prisma-postgresql/client";
import type { ChatDeps } from "../../chat/deps";

/** Matching messages read per batch: a small first one (most searches end there), then larger ones. */
export const MATCH_BATCHES = [1000, 4000] as const;
/** A search reads at most this many matching messages (the newest) before it stops looking for more results. */
export const MATCH_SCAN_MAX = 100_000;

/** The FTS5 query of the words: each a quoted prefix term, all required. */
function ftsQuery(words: string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
}

/** The tsquery text of the words: each a quoted prefix lexeme, all required. */
function tsQuery(words: string[]): string {
  return words.map((word) => `'${word.replaceAll("\\", "\\\\").replaceAll("'", "''")}':*`).join(" & ");
}

/**
 * Visitor, assistant and agent messages. On PostgreSQL compared as the enum (not `role::text`), so the planner
 * uses the column's statistics: with `role::text IN (…)` it guessed 1.5 % of the rows and chose the GIN bitmap
 * and a sort for common words (110,000 rows read for `widget`) instead of walking created_at newest first.
 */
const SEARCHED_ROLES = Prisma.sql`('user', 'assistant', 'agent')`;

/**
 * PostgreSQL: below this many matching messages (the planner's estimate, from the GIN index's statistics) a search
 * reads every match from the GIN index; above it, it walks messages newest first. Walking finds `take` matches in
 * about take × messages / matches rows, each one's words computed (≈ 10–35 µs); the GIN bitmap reads every match
 * once (similar per row): they cost the same near √(500 × 1,000,000) ≈ 22,000. Left to itself the planner walked
 * for `double charge` (160,000 rows, 2 s at 1,000,000 messages: it takes the two words as independent).
 */
export const GIN_MAX_ESTIMATE = 20_000;

/** Whether the planner expects at most GIN_MAX_ESTIMATE matching messages (EXPLAIN only: no rows are read). */
async function fewMatches(deps: ChatDeps, query: string): Promise<boolean> {
  const [row] = await deps.db.$queryRaw<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]>`
    EXPLAIN (FORMAT JSON) SELECT 1 FROM messages
    WHERE to_tsvector('simple'::regconfig, content) @@ to_tsquery('simple'::regconfig, ${query})`;
  const estimate = row?.["QUERY PLAN"][0]?.Plan["Plan Rows"];
  return estimate !== undefined && estimate <= GIN_MAX_ESTIMATE;
}

/**
 * PostgreSQL's walk: `content ILIKE '%word%'` for every word, a cheap test every match passes (a lexeme of the
 * `simple` configuration is a lower-cased run of the text, so a message whose lexemes start with the words contains
 * them), checked before the costly to_tsvector of each walked message. Words are letters, marks and digits only
 * (searchWords), never LIKE syntax.
 */
function containsAll(words: string[]): Prisma.Sql {
  return Prisma.join(
    words.map((word) => Prisma.sql`content ILIKE ${`%${word}%`}`),
    " AND ",
  );
}

/** One matching message: where it is in the newest-first walk, and its conversation. */
export interface MatchingMessage {
  id: string;
  session_id: string;
  /** SQLite: the rowid; PostgreSQL: created_at and id. Opaque: only passed back to read the next batch. */
  position: { rowid: bigint | number } | { at: Date; id: string };
}

/**
 * How a search reads its matches: SQLite from FTS5 (newest rowid first); PostgreSQL from the GIN index (few
 * matches) or walking created_at (many). Decided once per search.
 */
export type SearchPlan = "fts" | "gin" | "walk";

export async function searchPlan(deps: ChatDeps, words: string[]): Promise<SearchPlan> {
  if (deps.dialect !== "postgresql") return "fts";
  return (await fewMatches(deps, tsQuery(words))) ? "gin" : "walk";
}

/** The next `take` matching messages, newest first, after `before` (the last of the previous batch). */
export async function matchingMessages(
  deps: ChatDeps,
  words: string[],
  plan: SearchPlan,
  before: MatchingMessage["position"] | null,
  take: number,
): Promise<MatchingMessage[]> {
  if (deps.dialect === "postgresql") {
    const after =
      before && "at" in before
        ? Prisma.sql`AND (created_at, id) < (${before.at}, ${before.id}::uuid)`
        : Prisma.empty;
    const query = tsQuery(words);
    const matches = Prisma.sql`to_tsvector('simple'::regconfig, content) @@ to_tsquery('simple'::regconfig, ${query})`;
    // Few matches: all of them from the GIN index (a bitmap), then sorted. Many: created_at walked newest first,
    // each message's words checked, until `take` match (`IS TRUE` keeps the GIN index out of that plan).
    const rows =
      plan === "gin"
        ? await deps.db.$queryRaw<{ id: string; session_id: string; created_at: Date }[]>`
          WITH hits AS MATERIALIZED (
            SELECT id, session_id, created_at FROM messages
            WHERE ${matches} AND role IN ${SEARCHED_ROLES} ${after}
          )
          SELECT id::text AS id, session_id::text AS session_id, created_at FROM hits
          ORDER BY created_at DESC, id DESC
          LIMIT ${take}`
        : await deps.db.$queryRaw<{ id: string; session_id: string; created_at: Date }[]>`
          SELECT id::text AS id, session_id::text AS session_id, created_at FROM messages
          WHERE ${containsAll(words)} AND (${matches}) IS TRUE AND role IN ${SEARCHED_ROLES} ${after}
          ORDER BY created_at DESC, id DESC
          LIMIT ${take}`;
    return rows.map((row) => ({
      id: row.id,
      session_id: row.session_id,
      position: { at: new Date(row.created_at), id: row.id },
    }));
  }
  const after = before && "rowid" in before ? Prisma.sql`AND f.rowid < ${before.rowid}` : Prisma.empty;
  const rows = await deps.db.$queryRaw<{ id: string; session_id: string; position: bigint | number }[]>`
    SELECT m.id AS id, m.session_id AS session_id, f.rowid AS position
    FROM fts_messages f JOIN messages m ON m.rowid = f.rowid
    WHERE fts_messages MATCH ${ftsQuery(words)} AND m.role IN ${SEARCHED_ROLES} ${after}
    ORDER BY f.rowid DESC
    LIMIT ${take}`;
  return rows.map((row) => ({ id: row.id, session_id: row.session_id, position: { rowid: row.position } }));
}
