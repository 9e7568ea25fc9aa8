/**
 * Upgrade safety (issue 15): for every migration, on both databases, a database built at that version and filled
 * with rows of that version keeps every row and value through the remaining migrations. The filler reads the
 * catalog, so a new table is covered with no edit here; a table it cannot fill fails this test, naming it, until
 * a step file under tests/migration-ladder/ gives values (testing/migration-ladder.ts explains).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { Dialect } from "~/server/db/database-url";
import {
  differences,
  fillEveryTable,
  migrateTo,
  migrationFiles,
  openRunner,
  readCatalog,
  ROWS_PER_TABLE,
  snapshot,
  type LadderStep,
} from "../testing/migration-ladder";
import { dialectsUnderTest, POSTGRES_ADMIN_URL } from "./helpers/databases";

/** Hand-written steps, by migration version (the file name's leading digits). */
async function loadSteps(): Promise<Map<string, LadderStep>> {
  const steps = new Map<string, LadderStep>();
  const dir = path.join(__dirname, "migration-ladder");
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".ts"))) {
    const url = pathToFileURL(path.join(dir, file)).href;
    const loaded = (await import(/* @vite-ignore */ url)) as { step: LadderStep };
    steps.set(file.split("_")[0]!, loaded.step);
  }
  return steps;
}

const versionOf = (file: string) => file.split("_")[0]!;

/** An empty database (no migration applied) of the dialect, and a way to drop it. */
async function emptyDatabase(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "ladder-"));
    return { url: `file:${path.join(dir, "ladder.db")}`, drop: async () => rmSync(dir, { recursive: true }) };
  }
  const name = `visitor_chat_ladder_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`).finally(() => admin.end());
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => client.end());
    },
  };
}

for (const dialect of dialectsUnderTest()) {
  describe(`migration ladder [${dialect}]`, () => {
    const files = migrationFiles(dialect);

    it("has a migration to climb from, and loads the hand-written steps", async () => {
      expect([...(await loadSteps()).keys()]).toEqual(
        expect.arrayContaining(["20261125215023", "20261125225143"]),
      );
      expect(files.length).toBeGreaterThan(1);
      expect(files[0]).toMatch(/_init\.sql$/);
    });

    for (const [index, file] of files.entries()) {
      it(`built at ${file}, filled, then upgraded: nothing lost or changed`, async () => {
        const steps = await loadSteps();
        const applied = files.slice(0, index + 1).map(versionOf);
        const remaining = files.slice(index + 1).map(versionOf);
        const database = await emptyDatabase(dialect);
        try {
          migrateTo(database.url, file);
          let sql = await openRunner(database.url);
          const tables = await readCatalog(sql);
          expect(tables.length).toBeGreaterThan(0);
          await fillEveryTable(
            sql,
            tables,
            applied.flatMap((version) => steps.get(version) ?? []),
          );
          const before = await snapshot(sql, tables);
          // Every table of this version holds rows: an unfilled table would let a migration lose it unnoticed.
          for (const table of tables)
            expect(before.get(table.name)?.length ?? 0, `rows in ${table.name}`).toBeGreaterThanOrEqual(
              ROWS_PER_TABLE,
            );
          await sql.close();

          migrateTo(database.url);
          sql = await openRunner(database.url);
          const after = await snapshot(sql, await readCatalog(sql));
          await sql.close();
          const expected = structuredClone(before);
          for (const version of remaining) steps.get(version)?.expect?.(expected, after, dialect);
          expect(differences(expected, after)).toEqual([]);
        } finally {
          await database.drop();
        }
      }, 60_000);
    }

    it("reports a lost row, a changed value and a dropped column", () => {
      const before = new Map([
        [
          "t",
          [
            { id: "a", v: 1 },
            { id: "b", v: 2 },
          ],
        ],
      ]);
      expect(differences(before, new Map([["t", [{ id: "a", v: 1 }]]]))).toEqual([
        "t: 2 rows before, 1 after",
      ]);
      expect(
        differences(
          before,
          new Map([
            [
              "t",
              [
                { id: "a", v: 1 },
                { id: "b", v: 3 },
              ],
            ],
          ]),
        ),
      ).toEqual(["t row 1: v was 2, now 3"]);
      expect(differences(before, new Map([["t", [{ id: "a" }, { id: "b" }]]]))).toEqual(["t.v is gone"]);
      expect(differences(before, new Map())).toEqual([
        `table t is gone (a step's "expect" must say where its rows went)`,
      ]);
    });

    it("a table the filler cannot fill fails the ladder, naming it", async () => {
      const database = await emptyDatabase(dialect);
      try {
        migrateTo(database.url);
        const sql = await openRunner(database.url);
        try {
          await sql.query(
            `CREATE TABLE "ladder_probe" ("id" TEXT PRIMARY KEY, "code" TEXT NOT NULL CHECK ("code" LIKE 'P-%'))`,
          );
          const tables = (await readCatalog(sql)).filter((table) => table.name === "ladder_probe");
          await expect(fillEveryTable(sql, tables, [])).rejects.toThrow(/could not fill ladder_probe/);
          // …and a step's values make it fillable.
          const step: LadderStep = { values: { "ladder_probe.code": (row) => `P-${row}` } };
          await fillEveryTable(sql, tables, [step]);
          expect((await snapshot(sql, tables)).get("ladder_probe")).toHaveLength(ROWS_PER_TABLE);
        } finally {
          await sql.close();
        }
      } finally {
        await database.drop();
      }
    });
  });
}
