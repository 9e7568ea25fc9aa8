/**
 * The constraint-failure helpers (src/server/db/errors.ts) recognise a failure on both databases, from a model
 * query (P2002, P2003) and from a raw one (P2010 with the driver adapter's kind), and tell the two kinds apart.
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { isForeignKeyViolation, isUniqueViolation } from "~/server/db/errors";
import { describeEachDatabase } from "./helpers/databases";

async function failure(write: () => Promise<unknown>): Promise<unknown> {
  try {
    await write();
  } catch (error) {
    return error;
  }
  throw new Error("the write was expected to fail");
}

describeEachDatabase("constraint failures", (database, dialect) => {
  const param = (n: number, type: string) => (dialect === "postgresql" ? `$${n}::${type}` : "?");

  it("a duplicate key is a unique violation, from a model query and from a raw one", async () => {
    const { db } = database();
    const name = `job-${randomUUID()}`;
    const row = { name, holder: "a", expires_at: new Date() };
    await db.jobLease.create({ data: row });

    const model = await failure(() => db.jobLease.create({ data: row }));
    expect(isUniqueViolation(model)).toBe(true);
    expect(isForeignKeyViolation(model)).toBe(false);

    const raw = await failure(() =>
      db.$executeRawUnsafe(
        `INSERT INTO job_leases (name, holder, expires_at) VALUES (${param(1, "text")}, ${param(2, "text")}, ${param(3, "timestamptz")})`,
        name,
        "b",
        new Date().toISOString(),
      ),
    );
    expect(isUniqueViolation(raw)).toBe(true);
    expect(isForeignKeyViolation(raw)).toBe(false);
  });

  it("a row for a missing parent is a foreign-key violation, from a model query and from a raw one", async () => {
    const { db } = database();
    const model = await failure(() =>
      db.sessionRating.create({ data: { session_id: randomUUID(), visitor_id: randomUUID(), rating: 5 } }),
    );
    expect(isForeignKeyViolation(model)).toBe(true);
    expect(isUniqueViolation(model)).toBe(false);

    const now = new Date().toISOString();
    const raw = await failure(() =>
      db.$executeRawUnsafe(
        `INSERT INTO session_ratings (id, session_id, visitor_id, rating, created_at, updated_at) VALUES (${param(1, "uuid")}, ${param(2, "uuid")}, ${param(3, "uuid")}, 5, ${param(4, "timestamptz")}, ${param(5, "timestamptz")})`,
        randomUUID(),
        randomUUID(),
        randomUUID(),
        now,
        now,
      ),
    );
    expect(isForeignKeyViolation(raw)).toBe(true);
    expect(isUniqueViolation(raw)).toBe(false);
  });

  it("other errors are neither", () => {
    for (const error of [new Error("P2002"), { code: "P2002" }, null, undefined, "P2003"]) {
      expect(isUniqueViolation(error)).toBe(false);
      expect(isForeignKeyViolation(error)).toBe(false);
    }
  });
});
