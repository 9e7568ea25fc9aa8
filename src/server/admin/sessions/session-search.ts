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
 * One SQL statement per dialect finds a page: the matching messages, newest first, joined to their sessions and
 * passed through the list's filters (sessionFilterSql) inside the database, then each conversation's newest
 * matching message with its text (for the snippet), the page's conversations ranked by it. SQLite reads FTS5's
 * rowids backwards; PostgreSQL reads every match from the GIN index (few matches) or walks messages newest first
 * (many), whichever its row estimate says is cheaper. The values are always bound parameters.
 */
import { Prisma } from "~/generated/prisma-postgresql/client";
import type { Dialect } from "../../db/database-url";
import type { ChatDeps } from "../../chat/deps";
import type { SessionMode } from "../../chat/sessions/session.schema";

/**
 * SQLite: matching messages (that pass the filters) read by one statement: a first window most searches end in,
 * then larger ones when the first held fewer conversations than the page (a word repeated in few conversations,
 * or one conversation's many messages). Their sum is MATCH_SCAN_MAX, so a search is at most four statements.
 */
export const MATCH_BATCHES = [1000, 4000, 16_000, 79_000] as const;
/** SQLite: a search reads at most this many matching messages (the newest) before it stops looking for more. */
export const MATCH_SCAN_MAX = MATCH_BATCHES.reduce((sum, take) => sum + take, 0);

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
 * The list's filters (GET /api/admin/sessions/), decided once from the input (session-admin.service.ts) and
 * applied either as a Prisma where (the list) or as SQL on the search's `s` (sessions) row: sessionFilterSql.
 */
export interface SessionFilters {
  visitorId?: string;
  mode?: SessionMode;
  label?: string;
  /** Waiting requests made at or before this instant are left out (past the handoff timeout). */
  requestedAfter?: Date;
  createdAt?: { gte?: Date; lt?: Date };
  /** failed: at least one failed reply; ok: none. */
  status?: "failed" | "ok";
  followUp?: boolean;
  /** unheld: not in agent mode; else held (agent mode) by this agent. */
  holder?: { unheld: true } | { unheld: false; agentId: string };
}

/** The filters as SQL conditions on the sessions row `s` (always at least `TRUE`). */
export function sessionFilterSql(dialect: Dialect, filters: SessionFilters): Prisma.Sql {
  const pg = dialect === "postgresql";
  const uuid = (value: string) => (pg ? Prisma.sql`${value}::uuid` : Prisma.sql`${value}`);
  const mode = (value: SessionMode) => (pg ? Prisma.sql`${value}::"SessionMode"` : Prisma.sql`${value}`);
  const failed = pg ? Prisma.sql`'failed'::"MessageStatus"` : Prisma.sql`'failed'`;
  const failedReply = Prisma.sql`EXISTS (SELECT 1 FROM messages fm WHERE fm.session_id = s.id AND fm.status = ${failed})`;
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filters.visitorId !== undefined) conditions.push(Prisma.sql`s.visitor_id = ${uuid(filters.visitorId)}`);
  if (filters.mode !== undefined) conditions.push(Prisma.sql`s.mode = ${mode(filters.mode)}`);
  if (filters.label !== undefined)
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM session_labels sl WHERE sl.session_id = s.id AND sl.label = ${filters.label})`,
    );
  if (filters.requestedAfter !== undefined)
    conditions.push(
      Prisma.sql`(s.handoff_requested_at IS NULL OR s.handoff_requested_at > ${filters.requestedAfter})`,
    );
  if (filters.createdAt?.gte !== undefined)
    conditions.push(Prisma.sql`s.created_at >= ${filters.createdAt.gte}`);
  if (filters.createdAt?.lt !== undefined)
    conditions.push(Prisma.sql`s.created_at < ${filters.createdAt.lt}`);
  if (filters.status === "failed") conditions.push(failedReply);
  if (filters.status === "ok") conditions.push(Prisma.sql`NOT ${failedReply}`);
  if (filters.followUp !== undefined)
    conditions.push(
      filters.followUp ? Prisma.sql`s.follow_up_since IS NOT NULL` : Prisma.sql`s.follow_up_since IS NULL`,
    );
  if (filters.holder?.unheld === true) conditions.push(Prisma.sql`s.mode <> ${mode("agent")}`);
  if (filters.holder?.unheld === false)
    conditions.push(Prisma.sql`s.mode = ${mode("agent")} AND s.agent_id = ${filters.holder.agentId}`);
  return Prisma.join(conditions, " AND ");
}

/** Whether the filters are none (sessionFilterSql's `TRUE` alone). */
function unfiltered(filters: Prisma.Sql): boolean {
  return filters.sql.trim() === "TRUE";
}

/**
 * PostgreSQL: the cost of each way to read a search, in messages looked at, from the planner's estimates. GIN:
 * every text match (N). Filtered: every message of the sessions that pass the filters (messages × f, f their
 * share). Walk: messages newest first until `limit` conversations match, about GIN_MAX_ESTIMATE² / (N × f) — at
 * f = 1 the walk and the GIN bitmap cost the same at N = GIN_MAX_ESTIMATE: each walked message's words computed
 * (≈ 10–35 µs), each GIN match read once (similar), near √(500 × 1,000,000) ≈ 22,000 at 1,000,000 messages. Left
 * to itself the planner walked for `double charge` (160,000 rows, 2 s: it takes the two words as independent),
 * and with the filters joined it read every match of a common word in parallel and sorted them (1.5 s for
 * `error` + `mode=agent`, where the walk takes 30 ms).
 */
export const GIN_MAX_ESTIMATE = 20_000;

/** The planner's row estimate of a statement (EXPLAIN only: no rows are read). */
async function estimate(deps: ChatDeps, statement: Prisma.Sql): Promise<number> {
  const [row] = await deps.db.$queryRaw<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]>`
    EXPLAIN (FORMAT JSON) ${statement}`;
  return row?.["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? 0;
}

/**
 * PostgreSQL's walk: `content ILIKE '%word%'` for every word, a cheap test every match passes (a lexeme of the
 * `simple` configuration is a lower-cased run of the text, so a message whose lexemes start with the words contains
 * them), checked before the costly to_tsvector of each walked message. Words are letters, marks and digits only
 * (searchWords), never LIKE syntax.
 */
function containsAll(words: string[]): Prisma.Sql {
  return Prisma.join(
    words.map((word) => Prisma.sql`m.content ILIKE ${`%${word}%`}`),
    " AND ",
  );
}

/**
 * How a search reads its matches: SQLite from FTS5 (newest rowid first, in windows); PostgreSQL from the GIN
 * index (few matches), from the sessions that pass the filters (few of them), or walking created_at newest
 * first (many matches). Decided once per search (searchPlan).
 */
export type SearchPlan = "fts" | "gin" | "filtered" | "walk";

export async function searchPlan(deps: ChatDeps, words: string[], filters: Prisma.Sql): Promise<SearchPlan> {
  if (deps.dialect !== "postgresql") return "fts";
  const filtered = !unfiltered(filters);
  const [matches, sizes, passing] = await Promise.all([
    estimate(
      deps,
      Prisma.sql`SELECT 1 FROM messages m WHERE to_tsvector('simple'::regconfig, m.content) @@ to_tsquery('simple'::regconfig, ${tsQuery(words)})`,
    ),
    filtered
      ? deps.db.$queryRaw<{ relname: string; reltuples: number }[]>`
          SELECT relname::text AS relname, reltuples::float8 AS reltuples FROM pg_class
          WHERE relname IN ('messages', 'sessions') AND relkind = 'r'`
      : [],
    filtered ? estimate(deps, Prisma.sql`SELECT 1 FROM sessions s WHERE ${filters}`) : 0,
  ]);
  const size = (name: string) => Math.max(1, sizes.find((row) => row.relname === name)?.reltuples ?? 1);
  const share = filtered ? Math.min(1, Math.max(passing, 1) / size("sessions")) : 1;
  const costs: [SearchPlan, number][] = [
    ["gin", matches],
    ["walk", GIN_MAX_ESTIMATE ** 2 / (Math.max(matches, 1) * share)],
    ...(filtered ? [["filtered", size("messages") * share] as [SearchPlan, number]] : []),
  ];
  return costs.reduce((best, next) => (next[1] < best[1] ? next : best))[0];
}

/** Where a window of matches ended: the next one reads older matches only. Opaque to callers. */
export type MatchPosition = { rowid: bigint | number };

/**
 * A conversation of the page, with its newest matching message (passing the filters), and what its list item
 * needs besides the session's own row: its counts (as messageCounts in session-admin.service.ts counts them),
 * its labels (alphabetical) and its visitor's email.
 */
export interface SearchHit {
  session_id: string;
  message: { id: string; role: "user" | "assistant" | "agent"; content: string; created_at: Date };
  counts: { messages: number; failed: number };
  labels: string[];
  visitor_email: string | null;
}

interface HitRow {
  session_id: string;
  id: string;
  role: SearchHit["message"]["role"];
  content: string;
  created_at: Date | string;
  message_count: bigint | number;
  failed_count: bigint | number;
  /** A JSON array of strings. */
  labels: string;
  visitor_email: string | null;
}

const toHit = (row: HitRow): SearchHit => ({
  session_id: row.session_id,
  message: { id: row.id, role: row.role, content: row.content, created_at: new Date(row.created_at) },
  counts: { messages: Number(row.message_count), failed: Number(row.failed_count) },
  labels: JSON.parse(row.labels) as string[],
  visitor_email: row.visitor_email,
});

/**
 * The page's columns, for the page's rows `w` (session_id, id of the matching message): the matching message,
 * the conversation's message and failed-reply counts, its labels and its visitor's email.
 */
function pageColumns(dialect: Dialect): Prisma.Sql {
  const pg = dialect === "postgresql";
  const failed = pg ? Prisma.sql`'failed'::"MessageStatus"` : Prisma.sql`'failed'`;
  const count = pg ? Prisma.sql`count(*)::int` : Prisma.sql`count(*)`;
  const labels = pg
    ? Prisma.sql`coalesce(json_agg(l.label ORDER BY l.label), '[]'::json)::text`
    : Prisma.sql`json_group_array(l.label ORDER BY l.label)`;
  const text = (column: string) => (pg ? Prisma.raw(`${column}::text`) : Prisma.raw(column));
  return Prisma.sql`
    ${text("w.session_id")} AS session_id, ${text("m.id")} AS id, ${text("m.role")} AS role, m.content AS content,
    m.created_at AS created_at,
    (SELECT ${count} FROM messages c WHERE c.session_id = w.session_id) AS message_count,
    (SELECT ${count} FROM messages c WHERE c.session_id = w.session_id AND c.status = ${failed}) AS failed_count,
    (SELECT ${labels} FROM session_labels l WHERE l.session_id = w.session_id) AS labels,
    (SELECT v.email FROM sessions vs JOIN visitors v ON v.id = vs.visitor_id WHERE vs.id = w.session_id)
      AS visitor_email`;
}

/**
 * PostgreSQL: the page in one statement. GIN and filtered: every match (from the GIN index, MATERIALIZED so the
 * filters and the sort come after; or from the passing sessions' messages), each conversation's newest, the
 * newest `limit`. Walk: a recursive walk down created_at, each step the next match (filters joined) of a
 * conversation not yet found — `limit` steps, each reading only the messages up to its match.
 */
async function pgSearch(
  deps: ChatDeps,
  words: string[],
  filters: Prisma.Sql,
  plan: Exclude<SearchPlan, "fts">,
  limit: number,
): Promise<SearchHit[]> {
  const query = tsQuery(words);
  const matches = Prisma.sql`to_tsvector('simple'::regconfig, m.content) @@ to_tsquery('simple'::regconfig, ${query})`;
  // `IS TRUE` keeps the GIN index out of the walk and the filtered plans; the ILIKE test comes before it.
  const checked = Prisma.sql`${containsAll(words)} AND (${matches}) IS TRUE AND m.role IN ${SEARCHED_ROLES}`;
  const columns = pageColumns("postgresql");
  if (plan === "walk") {
    const step = Prisma.sql`
      SELECT m.id, m.session_id, m.created_at FROM messages m JOIN sessions s ON s.id = m.session_id
      WHERE ${checked} AND ${filters}`;
    return (
      await deps.db.$queryRaw<HitRow[]>`
        WITH RECURSIVE walk(n, id, session_id, created_at, seen) AS (
          (SELECT 1, x.id, x.session_id, x.created_at, ARRAY[x.session_id] FROM (
            ${step} ORDER BY m.created_at DESC, m.id DESC LIMIT 1) x)
          UNION ALL
          (SELECT w.n + 1, x.id, x.session_id, x.created_at, w.seen || x.session_id
           FROM walk w CROSS JOIN LATERAL (
             ${step} AND (m.created_at, m.id) < (w.created_at, w.id) AND m.session_id <> ALL (w.seen)
             ORDER BY m.created_at DESC, m.id DESC LIMIT 1) x
           WHERE w.n < ${limit})
        )
        SELECT ${columns} FROM walk w JOIN messages m ON m.id = w.id ORDER BY w.n`
    ).map(toHit);
  }
  const hits =
    plan === "gin"
      ? Prisma.sql`
        hits AS MATERIALIZED (
          SELECT m.id, m.session_id, m.created_at FROM messages m WHERE ${matches} AND m.role IN ${SEARCHED_ROLES}
        ),
        passing AS (${
          unfiltered(filters)
            ? Prisma.sql`SELECT * FROM hits`
            : Prisma.sql`SELECT m.* FROM hits m JOIN sessions s ON s.id = m.session_id WHERE ${filters}`
        })`
      : Prisma.sql`
        passing AS (
          SELECT m.id, m.session_id, m.created_at FROM sessions s JOIN messages m ON m.session_id = s.id
          WHERE ${filters} AND ${checked}
        )`;
  return (
    await deps.db.$queryRaw<HitRow[]>`
      WITH ${hits},
      newest AS (
        SELECT DISTINCT ON (session_id) id, session_id, created_at FROM passing
        ORDER BY session_id, created_at DESC, id DESC
      ),
      w AS (SELECT * FROM newest ORDER BY created_at DESC, id DESC LIMIT ${limit})
      SELECT ${columns} FROM w JOIN messages m ON m.id = w.id ORDER BY w.created_at DESC, w.id DESC`
  ).map(toHit);
}

/**
 * SQLite: one window of at most `take` matching messages that pass the filters, older than `before`: up to
 * `limit` of its conversations, each with its newest matching message, newest first; and where the window ended
 * if it was full (more may follow). One statement: FTS5 yields its rowids newest first (ORDER BY rowid DESC), so
 * the window stops after `take` pass the filters.
 */
async function ftsWindow(
  deps: ChatDeps,
  words: string[],
  filters: Prisma.Sql,
  before: MatchPosition | null,
  take: number,
  limit: number,
): Promise<{ hits: SearchHit[]; next: MatchPosition | null }> {
  const after = before ? Prisma.sql`AND f.rowid < ${before.rowid}` : Prisma.empty;
  const rows = await deps.db.$queryRaw<(HitRow & { scanned: bigint | number; edge: bigint | number })[]>`
    WITH win AS MATERIALIZED (
      SELECT f.rowid AS pos, m.session_id AS session_id
      FROM fts_messages f JOIN messages m ON m.rowid = f.rowid JOIN sessions s ON s.id = m.session_id
      WHERE fts_messages MATCH ${ftsQuery(words)} AND m.role IN ${SEARCHED_ROLES} ${after} AND ${filters}
      ORDER BY f.rowid DESC
      LIMIT ${take}
    ),
    newest AS (SELECT session_id, max(pos) AS pos FROM win GROUP BY session_id),
    w AS (SELECT session_id, pos FROM newest ORDER BY pos DESC LIMIT ${limit})
    SELECT ${pageColumns("sqlite")}, (SELECT count(*) FROM win) AS scanned, (SELECT min(pos) FROM win) AS edge
    FROM w JOIN messages m ON m.rowid = w.pos
    ORDER BY w.pos DESC`;
  const [first] = rows;
  const full = first !== undefined && Number(first.scanned) >= take;
  return { hits: rows.map(toHit), next: full ? { rowid: first.edge } : null };
}

/**
 * A page of conversations matching the words and the filters, ranked by their newest matching message. PostgreSQL:
 * one statement (after the planner's estimates, read side by side). SQLite: one statement per window
 * (MATCH_BATCHES), usually one, at most four. `plan` only for tests (each plan returns the same page).
 */
export async function searchPage(
  deps: ChatDeps,
  words: string[],
  filters: SessionFilters,
  limit: number,
  plan?: SearchPlan,
): Promise<SearchHit[]> {
  const where = sessionFilterSql(deps.dialect, filters);
  const chosen = plan ?? (await searchPlan(deps, words, where));
  if (chosen !== "fts") return pgSearch(deps, words, where, chosen, limit);
  const found = new Map<string, SearchHit>();
  let before: MatchPosition | null = null;
  for (const take of MATCH_BATCHES) {
    const { hits, next } = await ftsWindow(deps, words, where, before, take, limit);
    for (const hit of hits)
      if (!found.has(hit.session_id) && found.size < limit) found.set(hit.session_id, hit);
    if (found.size >= limit || next === null) break;
    before = next;
  }
  return [...found.values()];
}
