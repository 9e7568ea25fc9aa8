import { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "../db/client";
import { executeRawStatement, runAlone } from "../db/direct-sql";
import type { AnswerKind } from "./responder/responder";
import { keysetSql, type Keyset } from "./pagination";
import type { MessageSource } from "./messages/message.schema";
import type { MessageStatus } from "./messages/message-status";

/**
 * The chat's hot-path statements as raw SQL (issue 11): a raw query costs about half the CPU time of a model query
 * (the query compiler only wraps its text in a plan; bench/RESULTS.md, round four). Still sent through Prisma
 * (`$queryRaw` / `$executeRaw`), so batch and interactive transactions and the SQLite adapter's shared connection
 * work as for any other query; a write that runs alone (a visitor's insert, a reply's save) goes straight to
 * Prisma's driver adapter (../db/direct-sql.ts, issue 24). Everything else stays on the models.
 *
 * One text serves both databases, without casts: the pg adapter sends parameters untyped, so PostgreSQL infers
 * each one's type from the column it meets (uuid, jsonb, timestamptz, the enums), and SQLite must not get casts
 * (CAST(x AS uuid) gives NUMERIC affinity). Parameters are written as Prisma writes them: a Date as the same text
 * on SQLite ('…T…+00:00', compared as text in WHERE and ORDER BY) and the same timestamp on PostgreSQL; a Json
 * value as its JSON.stringify text. tests/hot-sql.test.ts compares the rows with the models' on both databases.
 *
 * Errors are raw-query errors: a constraint failure is P2010 with the driver's kind, not P2003 (see
 * isForeignKeyViolation in ../db/errors.ts).
 */

/** A message row as inserted by insertMessages (the columns a new message sets; the rest keep their defaults). */
export interface NewMessageRow {
  id: string;
  session_id: string;
  role: "user" | "assistant" | "agent" | "system";
  /** The agent's name (role agent, and a system step naming an agent); null otherwise. */
  author_name: string | null;
  /** The step (role system); null otherwise. */
  kind: string | null;
  content: string;
  status: MessageStatus;
  sources: MessageSource[];
  created_at: Date;
  saved_at: Date;
}

/** Inserts messages (one statement); for a batch transaction. */
export function insertMessages(
  db: Pick<Db, "$executeRaw">,
  rows: readonly NewMessageRow[],
): Prisma.PrismaPromise<number> {
  const values = rows.map(
    (row) =>
      Prisma.sql`(${row.id}, ${row.session_id}, ${row.role}, ${row.author_name}, ${row.kind}, ${row.content}, ${row.status}, ${JSON.stringify(row.sources)}, ${row.created_at}, ${row.saved_at})`,
  );
  return db.$executeRaw`INSERT INTO messages (id, session_id, role, author_name, kind, content, status, sources, created_at, saved_at) VALUES ${Prisma.join(values)}`;
}

/** A new message was stored in the session: bumps updated_at, and sets the title when given. */
export function bumpSession(
  db: Db,
  sessionId: string,
  updatedAt: Date,
  title?: string,
): Prisma.PrismaPromise<number> {
  return title === undefined
    ? db.$executeRaw`UPDATE sessions SET updated_at = ${updatedAt} WHERE id = ${sessionId}`
    : db.$executeRaw`UPDATE sessions SET updated_at = ${updatedAt}, title = ${title} WHERE id = ${sessionId}`;
}

/** Records that the visitor was seen at `at`. */
export function bumpVisitorSeen(db: Db, visitorId: string, at: Date): Prisma.PrismaPromise<number> {
  return db.$executeRaw`UPDATE visitors SET last_seen_at = ${at} WHERE id = ${visitorId}`;
}

/** Inserts a visitor (no user_id, no email); for a batch transaction. */
export function insertVisitor(
  db: Db,
  row: { id: string; metadata: object; created_at: Date; last_seen_at: Date },
): Prisma.PrismaPromise<number> {
  return executeRawStatement(
    db,
    Prisma.sql`INSERT INTO visitors (id, created_at, last_seen_at, metadata) VALUES (${row.id}, ${row.created_at}, ${row.last_seen_at}, ${JSON.stringify(row.metadata)})`,
  );
}

/**
 * The role and text of a session's complete messages, newest first, at most `limit`: all of them, or those
 * strictly before `before` in (created_at, id) order. With `ownerId`, only while the session is that visitor's and
 * in bot mode (none otherwise). The range bound on created_at lets the (session_id, created_at, id) index start at
 * the keyset (keysetSql, the same rule as the models' keysetWhere).
 */
export function completeTurns(
  db: Pick<Db, "$queryRaw">,
  args: { sessionId: string; ownerId?: string; before?: Keyset; limit: number },
): Promise<{ role: "user" | "assistant" | "agent"; content: string; locale?: string | null }[]> {
  // System steps ("Ada joined") are for people: never part of the responder's history. With the owner's join,
  // each row carries the session's locale too (the reply's language), so the fast path needs no other read.
  const { sessionId, ownerId, before, limit } = args;
  const owner =
    ownerId === undefined
      ? Prisma.empty
      : Prisma.sql` JOIN sessions s ON s.id = m.session_id AND s.visitor_id = ${ownerId} AND s.mode = 'bot'`;
  const columns =
    ownerId === undefined ? Prisma.sql`m.role, m.content` : Prisma.sql`m.role, m.content, s.locale`;
  const keyset = keysetSql("m", "created_at", before, "desc");
  return db.$queryRaw`SELECT ${columns} FROM messages m${owner} WHERE m.session_id = ${sessionId} AND m.status = 'complete' AND m.role <> 'system'${keyset} ORDER BY m.created_at DESC, m.id DESC LIMIT ${limit}`;
}

/** What a reply run writes: the text always; the end state (status, sources, usage, answer kind) at the end. */
export interface ReplyWrite {
  content: string;
  status?: "complete" | "failed" | "stopped";
  sources?: MessageSource[];
  prompt_tokens?: number;
  completion_tokens?: number;
  answer_kind?: AnswerKind | null;
}

/**
 * The fenced write of a reply run: sets `data` and saved_at = `stamp` on the message only while its status is
 * one of `statuses` and its saved_at one of `fence` (see startReplyRun). Resolves to the rows written (0 or 1).
 */
export async function writeReply(
  db: Pick<Db, "$executeRaw">,
  args: {
    id: string;
    statuses: readonly MessageStatus[];
    fence: readonly Date[];
    data: ReplyWrite;
    stamp: Date;
  },
): Promise<number> {
  const { id, statuses, fence, data, stamp } = args;
  const set: Prisma.Sql[] = [Prisma.sql`content = ${data.content}`];
  if (data.status !== undefined) set.push(Prisma.sql`status = ${data.status}`);
  if (data.sources !== undefined) set.push(Prisma.sql`sources = ${JSON.stringify(data.sources)}`);
  if (data.prompt_tokens !== undefined) set.push(Prisma.sql`prompt_tokens = ${data.prompt_tokens}`);
  if (data.completion_tokens !== undefined)
    set.push(Prisma.sql`completion_tokens = ${data.completion_tokens}`);
  if (data.answer_kind !== undefined) set.push(Prisma.sql`answer_kind = ${data.answer_kind}`);
  set.push(Prisma.sql`saved_at = ${stamp}`);
  // Alone: straight on the driver adapter with the app's client (../db/direct-sql.ts), through Prisma in a transaction.
  const count = await runAlone(
    executeRawStatement(
      db,
      Prisma.sql`UPDATE messages SET ${Prisma.join(set)} WHERE id = ${id} AND status IN (${Prisma.join(statuses)}) AND saved_at IN (${Prisma.join(fence)})`,
    ),
  );
  // (A bigint with SQLite's driver.)
  return Number(count);
}
