/**
 * A raw write that runs alone goes straight to Prisma's driver adapter (src/server/db/direct-sql.ts): it stores
 * exactly what Prisma's own path stores (the same text of times and JSON on SQLite), it is taken only with the
 * app's client (never inside a transaction), and its failures read as Prisma's (P2010 with the adapter's error),
 * so the constraint and "not migrated" checks answer the same on both paths.
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { Prisma } from "~/generated/prisma-postgresql/client";
import { insertVisitor } from "~/server/chat/hot-sql";
import { commitChange } from "~/server/chat/events/commit-change";
import { executeRawStatement, runAlone, runsDirect } from "~/server/db/direct-sql";
import { isUniqueViolation } from "~/server/db/errors";
import { isDatabaseNotMigrated } from "~/server/db/unavailable";
import { describeEachDatabase } from "./helpers/databases";

const row = () => {
  const now = new Date("2026-12-07T01:02:03.456Z");
  return {
    id: randomUUID(),
    metadata: { locale: "fr-FR", note: "é ✓", n: [1, 2.5] },
    created_at: now,
    last_seen_at: now,
  };
};

describeEachDatabase("raw writes straight on the driver adapter", (database) => {
  it("runs alone with the app's client, through Prisma inside a transaction", async () => {
    const { db } = database();
    const statement = insertVisitor(db, row());
    expect(runsDirect(statement)).toBe(true);
    expect(await runAlone(statement)).toBe(1);
    await db.$transaction(async (tx) => {
      const inTransaction = executeRawStatement(
        tx,
        Prisma.sql`UPDATE visitors SET email = NULL WHERE id = ${randomUUID()}`,
      );
      expect(runsDirect(inTransaction)).toBe(false);
      expect(Number(await runAlone(inTransaction))).toBe(0);
    });
    // A parameter the adapter is not handed directly (here a list) keeps Prisma's path.
    expect(runsDirect(executeRawStatement(db, Prisma.sql`SELECT ${[1, 2]}`))).toBe(false);
  });

  it("stores what Prisma's path stores", async () => {
    const { db } = database();
    const direct = row();
    const prisma = row();
    await runAlone(insertVisitor(db, direct));
    await insertVisitor(db, prisma); // awaited: Prisma's own path
    const read = (id: string) =>
      db.$queryRaw<{ created_at: unknown; last_seen_at: unknown; metadata: unknown }[]>`
        SELECT created_at, last_seen_at, metadata FROM visitors WHERE id = ${id}`;
    const [[a], [b]] = await Promise.all([read(direct.id), read(prisma.id)]);
    expect(a).toEqual(b);
    expect(await db.visitor.findUnique({ where: { id: direct.id } })).toMatchObject({
      created_at: direct.created_at,
      last_seen_at: direct.last_seen_at,
      metadata: direct.metadata,
    });
  });

  it("commits a change of one statement on the direct path, and publishes nothing for a visitor", async () => {
    const { db } = database();
    const visitor = row();
    const [count] = await commitChange({ db }, { writes: [insertVisitor(db, visitor)] });
    expect(Number(count)).toBe(1);
    expect(await db.visitor.count({ where: { id: visitor.id } })).toBe(1);
  });

  it("reports failures as Prisma does: a unique violation, a missing table", async () => {
    const { db } = database();
    const visitor = row();
    await runAlone(insertVisitor(db, visitor));
    const direct = await runAlone(insertVisitor(db, visitor)).catch((error: unknown) => error);
    const prisma = await insertVisitor(db, visitor).catch((error: unknown) => error);
    expect(isUniqueViolation(direct)).toBe(true);
    expect(isUniqueViolation(prisma)).toBe(true);
    expect(direct).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((direct as Prisma.PrismaClientKnownRequestError).code).toBe("P2010");

    const missing = () =>
      executeRawStatement(db, Prisma.sql`INSERT INTO not_migrated_yet (id) VALUES (${"x"})`);
    expect(isDatabaseNotMigrated(await runAlone(missing()).catch((error: unknown) => error))).toBe(true);
    expect(isDatabaseNotMigrated(await missing().catch((error: unknown) => error))).toBe(true);
  });
});
