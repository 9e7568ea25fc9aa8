/**
 * SQLite's prepared statements are kept per connection and reused (src/server/db/client.ts,
 * reusePreparedStatements): a statement's arguments belong to its call alone, reads and writes answer what a
 * freshly prepared statement answers (Prisma's queries, raw statements, the direct path, transactions), and a
 * schema change after a statement was kept is seen (SQLite re-prepares it), a dropped table reported as before.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "~/generated/prisma-postgresql/client";
import { insertVisitor } from "~/server/chat/hot-sql";
import { openDatabase, type Database } from "~/server/db/client";
import { runAlone } from "~/server/db/direct-sql";
import { isDatabaseNotMigrated } from "~/server/db/unavailable";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";

describe("SQLite statements prepared once per connection", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const statements: string[] = [];
  beforeAll(async () => {
    testDatabase = await createTestDatabase("sqlite");
    database = await openDatabase(testDatabase.url, { onStatement: (sql) => statements.push(sql) });
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  const visitor = (locale: string) => {
    const now = new Date();
    return { id: randomUUID(), metadata: { locale }, created_at: now, last_seen_at: now };
  };

  it("binds each call's own arguments to a reused statement (writes, reads, Prisma's and raw)", async () => {
    const { db } = database;
    const rows = Array.from({ length: 5 }, (_, index) => visitor(`l${index}`));
    // The same INSERT text five times, straight on the adapter and through Prisma's path alternately.
    for (const [index, row] of rows.entries())
      expect(Number(await (index % 2 ? insertVisitor(db, row) : runAlone(insertVisitor(db, row))))).toBe(1);
    // The same SELECT text with each id: each answers its own row, never the first call's.
    for (const row of rows) {
      const found = await db.visitor.findUnique({ where: { id: row.id } });
      expect(found?.metadata).toEqual(row.metadata);
      const [raw] = await db.$queryRaw<{ id: string; metadata: string }[]>`
        SELECT id, metadata FROM visitors WHERE id = ${row.id}`;
      expect(raw?.id).toBe(row.id);
    }
    // A reused statement with no match answers nothing; one with a match again answers it.
    expect(await db.visitor.findUnique({ where: { id: randomUUID() } })).toBeNull();
    expect((await db.visitor.findUnique({ where: { id: rows[0]!.id } }))?.id).toBe(rows[0]!.id);
    expect(await db.visitor.count({ where: { id: { in: rows.map((row) => row.id) } } })).toBe(5);
    // Every statement still passes the statement observer (the chat's statement counts rely on it).
    expect(statements.filter((sql) => sql.startsWith("INSERT INTO visitors")).length).toBe(5);
  });

  it("runs transactions (BEGIN reused) and rolls back what a failed one wrote", async () => {
    const { db } = database;
    const kept = visitor("kept");
    const rolledBack = visitor("rolled back");
    for (let round = 0; round < 3; round++) {
      await db.$transaction(async (tx) => {
        await tx.visitor.upsert({
          where: { id: kept.id },
          create: { ...kept, metadata: { round } },
          update: { metadata: { round } },
        });
      });
    }
    await expect(
      db.$transaction(async (tx) => {
        await tx.visitor.create({ data: rolledBack });
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect((await db.visitor.findUnique({ where: { id: kept.id } }))?.metadata).toEqual({ round: 2 });
    expect(await db.visitor.findUnique({ where: { id: rolledBack.id } })).toBeNull();
  });

  it("sees a schema change after the statement was kept, and reports a dropped table as not migrated", async () => {
    const { db } = database;
    const read = () => db.$queryRaw<{ n: bigint | number }[]>`SELECT count(*) AS n FROM scratch_table`;
    await db.$executeRawUnsafe("CREATE TABLE scratch_table (id TEXT PRIMARY KEY)");
    await db.$executeRaw`INSERT INTO scratch_table (id) VALUES (${"a"})`;
    expect(Number((await read())[0]?.n)).toBe(1);
    await db.$executeRawUnsafe("ALTER TABLE scratch_table ADD COLUMN note TEXT");
    await db.$executeRaw`INSERT INTO scratch_table (id) VALUES (${"b"})`;
    expect(Number((await read())[0]?.n)).toBe(2);
    await db.$executeRawUnsafe("DROP TABLE scratch_table");
    const insert = () => db.$executeRaw(Prisma.sql`INSERT INTO scratch_table (id) VALUES (${"c"})`);
    expect(isDatabaseNotMigrated(await read().catch((error: unknown) => error))).toBe(true);
    expect(isDatabaseNotMigrated(await insert().catch((error: unknown) => error))).toBe(true);
  });
});
