import { z } from "zod";
import { Prisma } from "~/generated/prisma-postgresql/client";
import { AppError } from "../errors/app-error";
import { LIMITS } from "./limits";

/**
 * Keyset pagination: a cursor is the (timestamp, id) of the last item of the previous page, opaque to clients
 * (base64url JSON). Unlike offsets it stays correct while rows are added and costs the same on page 1 and 1000.
 */
export const pageInputSchema = z.strictObject({
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "next_cursor from the previous page; omit for the first page." }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.pageMaxItems)
    .default(LIMITS.pageDefaultItems)
    .meta({ description: `Items per page (1–${LIMITS.pageMaxItems}, default ${LIMITS.pageDefaultItems}).` }),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as cursor to get the next page; null on the last page." }),
  });
}

export interface Keyset {
  at: Date;
  id: string;
}

/**
 * The rows strictly beyond `after` in (key, id) order: `asc` → after it, `desc` → before it; no condition
 * without `after`. Spread it into a `where`. The range bound on `key` lets the (…, key, id) index start at the
 * keyset; the OR alone cannot bound an index scan, so a page deep in a long list would scan every row before it.
 * `Where` is the model's Prisma where-input, which names the key column.
 */
export function keysetWhere<Where extends object>(
  key: keyof Where & string,
  after: Keyset | undefined,
  order: "asc" | "desc",
): { AND?: Where[] } {
  if (!after) return {};
  const [range, beyond] = order === "asc" ? (["gte", "gt"] as const) : (["lte", "lt"] as const);
  const conditions = [
    { [key]: { [range]: after.at } },
    { OR: [{ [key]: { [beyond]: after.at } }, { [key]: after.at, id: { [beyond]: after.id } }] },
  ];
  return { AND: conditions as Where[] };
}

/**
 * keysetWhere for raw SQL (src/server/chat/hot-sql.ts): the same condition on `<alias>.<key>` and `<alias>.id`, as
 * ` AND …` to append to a WHERE, or nothing without `after`.
 */
export function keysetSql(
  alias: string,
  key: string,
  after: Keyset | undefined,
  order: "asc" | "desc",
): Prisma.Sql {
  if (!after) return Prisma.empty;
  const [range, beyond] =
    order === "asc" ? [Prisma.raw(">="), Prisma.raw(">")] : [Prisma.raw("<="), Prisma.raw("<")];
  const column = Prisma.raw(`${alias}.${key}`);
  const id = Prisma.raw(`${alias}.id`);
  return Prisma.sql` AND ${column} ${range} ${after.at} AND (${column} ${beyond} ${after.at} OR (${column} = ${after.at} AND ${id} ${beyond} ${after.id}))`;
}

export function encodeCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify([keyset.at.toISOString(), keyset.id])).toString("base64url");
}

const cursorPayload = z.tuple([z.iso.datetime(), z.uuid()]);

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  try {
    const [at, id] = cursorPayload.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return { at: new Date(at), id };
  } catch (error) {
    throw new AppError("INVALID_CURSOR", { cause: error });
  }
}

/** Splits a fetched `limit + 1` rows into the page and the cursor of the page after it. */
export function toPage<Row extends { id: string }, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => Date,
  toItem: (row: Row) => Item,
): { items: Item[]; next_cursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    next_cursor: rows.length > limit && last ? encodeCursor({ at: keyOf(last), id: last.id }) : null,
  };
}
