import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalSchemaPath, deriveSqliteSchema, sqliteSchemaPath } from "../scripts/derive-sqlite-schema";
import { describeEachDatabase } from "./helpers/databases";

describe("schemas and migrations", () => {
  it("the SQLite schema is exactly the one derived from the canonical PostgreSQL schema", () => {
    const derived = deriveSqliteSchema(readFileSync(canonicalSchemaPath, "utf8"));
    expect(readFileSync(sqliteSchemaPath, "utf8")).toBe(derived);
  });

  it("derivation keeps every model, field and index, dropping only PostgreSQL column types", () => {
    const canonical = readFileSync(canonicalSchemaPath, "utf8");
    const derived = deriveSqliteSchema(canonical);
    const shape = (schema: string) =>
      schema
        .split("\n")
        .filter((line) => /^\s+\w+\s+\w|^\s+@@|^model|^enum/.test(line))
        .map((line) =>
          line
            .replace(/@db\.\w+(\([^)]*\))?/g, "")
            .replace(/\s+/g, " ")
            .trim(),
        );
    expect(shape(derived)).toEqual(shape(canonical).map((line) => line.replace('"postgresql"', '"sqlite"')));
  });

  it("every change to the canonical schema has a migration", () => {
    const output = execFileSync("npx", ["tsx", "scripts/db.ts", "check"], { encoding: "utf8" });
    expect(output).toMatch(/migrations are up to date/);
  });
});

describeEachDatabase("migrated database", (database, dialect) => {
  it("has the tables and indexes the queries rely on", async () => {
    const db = database().db;
    const indexes =
      dialect === "sqlite"
        ? await db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'index'")
        : await db.$queryRawUnsafe<{ name: string }[]>(
            "SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = 'public'",
          );
    const names = indexes.map((index) => index.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "sessions_visitor_id_updated_at_id_idx",
        "messages_session_id_created_at_id_idx",
      ]),
    );
  });

  it("cascades a visitor's deletion to its sessions and their messages", async () => {
    const db = database().db;
    const visitor = await db.visitor.create({ data: { metadata: {} } });
    const session = await db.session.create({ data: { visitor_id: visitor.id } });
    await db.message.create({ data: { session_id: session.id, role: "user", content: "x" } });
    await db.visitor.delete({ where: { id: visitor.id } });
    expect(await db.session.count({ where: { id: session.id } })).toBe(0);
    expect(await db.message.count({ where: { session_id: session.id } })).toBe(0);
  });

  if (dialect === "sqlite") {
    it("runs SQLite in WAL mode with a busy timeout", async () => {
      const db = database().db;
      const [mode] = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
      const [timeout] = await db.$queryRawUnsafe<{ timeout: bigint | number }[]>("PRAGMA busy_timeout");
      expect(mode?.journal_mode).toBe("wal");
      expect(Number(timeout?.timeout)).toBeGreaterThanOrEqual(5000);
    });
  }
});
