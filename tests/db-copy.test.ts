/**
 * npm run db:copy / db:backup / db:restore (scripts/lib/db-copy.ts) against real databases of both dialects:
 * every table covered, every value kind preserved across dialects, verification, refusal of a non-empty target,
 * and an interrupted copy (injected failure, and a killed process) finished by re-running it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import {
  catalogTables,
  copyDatabase,
  COPIED_TABLES,
  databaseChecksums,
  readBackup,
  sqliteFileBackup,
  writeBackup,
} from "../scripts/lib/db-copy";
import { fillEveryTable } from "../testing/db-fixture";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./helpers/databases";

const created: TestDatabase[] = [];
async function fresh(dialect: Dialect): Promise<TestDatabase> {
  const database = await createTestDatabase(dialect);
  created.push(database);
  return database;
}
afterAll(async () => {
  for (const database of created) await database.drop();
});

const dialects = dialectsUnderTest();
const other = (dialect: Dialect): Dialect =>
  dialects.includes("postgresql") && dialect === "sqlite" ? "postgresql" : "sqlite";

describe("the copier's table list", () => {
  for (const dialect of dialects) {
    it(`covers every table in the ${dialect} catalog, parents first`, async () => {
      const database = await fresh(dialect);
      const { tables, infos } = await catalogTables(database.url);
      // A migration that adds a table fails here until the table is in COPIED_TABLES.
      expect(tables).toEqual([...COPIED_TABLES].sort());
      for (const info of infos) {
        expect(info.primaryKey.length, `${info.name} has a primary key`).toBeGreaterThan(0);
        for (const parent of info.references) {
          expect(COPIED_TABLES.indexOf(parent as never), `${parent} before ${info.name}`).toBeLessThan(
            COPIED_TABLES.indexOf(info.name as never),
          );
        }
      }
    });
  }

  if (dialects.includes("postgresql")) {
    it("reads the same columns and value kinds from both catalogs", async () => {
      const [sqlite, postgres] = await Promise.all([fresh("sqlite"), fresh("postgresql")]);
      const strip = (infos: Awaited<ReturnType<typeof catalogTables>>["infos"]) =>
        infos.map(({ name, columns, primaryKey, references }) => ({ name, columns, primaryKey, references }));
      expect(strip((await catalogTables(sqlite.url)).infos)).toEqual(
        strip((await catalogTables(postgres.url)).infos),
      );
    });
  }
});

for (const from of dialects) {
  const to = other(from);
  describe(`copy ${from} → ${to} → ${from}`, () => {
    it("copies every table, preserving ids, timestamps, JSON, booleans, bigints, enums and binary bytes", async () => {
      const source = await fresh(from);
      const target = await fresh(to);
      const back = await fresh(from);
      const filled = await fillEveryTable(source.url, { messages: 250 });
      const lines: string[] = [];
      const result = await copyDatabase({
        from: source.url,
        to: target.url,
        batchSize: 40,
        log: (line) => lines.push(line),
      });
      expect(result.rows).toBeGreaterThan(250);
      expect(lines.some((line) => /messages: 250\/250 rows/.test(line))).toBe(true);
      await copyDatabase({ from: target.url, to: back.url });

      const expected = await databaseChecksums(source.url);
      expect(
        expected.every((table) => table.rows > 0),
        JSON.stringify(expected),
      ).toBe(true);
      expect(await databaseChecksums(target.url)).toEqual(expected);
      expect(await databaseChecksums(back.url)).toEqual(expected);

      // The values as the app reads them on the target.
      const [a, b] = [await openDatabase(source.url), await openDatabase(target.url)];
      try {
        for (const model of [
          "visitor",
          "session",
          "adminUser",
          "adminAccount",
          "adminRateLimit",
          "apiKey",
          "jobLease",
          "knowledgeArticle",
          "knowledgeVector",
          "auditEntry",
          "webhookEndpoint",
          "webhookEvent",
          "webhookDelivery",
          "attachment",
        ] as const) {
          const order = model === "jobLease" ? { name: "asc" } : { id: "asc" };
          const readOrdered = (db: typeof a.db) =>
            (db[model] as unknown as { findMany(args: object): Promise<unknown[]> }).findMany({
              orderBy: order,
            });
          expect(await readOrdered(b.db), model).toEqual(await readOrdered(a.db));
        }
        const limit = await b.db.adminRateLimit.findFirstOrThrow();
        expect(limit.lastRequest).toBe(9_007_199_254_740_993n);
        const messages = await b.db.message.findMany({
          where: { session_id: filled.sessionId },
          orderBy: [{ created_at: "asc" }, { id: "asc" }],
        });
        expect(messages).toEqual(
          await a.db.message.findMany({
            where: { session_id: filled.sessionId },
            orderBy: [{ created_at: "asc" }, { id: "asc" }],
          }),
        );
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("refuses a non-empty target unless --force, and finishes an interrupted copy when re-run", async () => {
      const source = await fresh(from);
      const target = await fresh(to);
      await fillEveryTable(source.url, { messages: 120 });
      await expect(
        copyDatabase({ from: source.url, to: target.url, batchSize: 10, failAfterBatches: 6 }),
      ).rejects.toThrow("injected failure after 6 batches");
      const partial = await databaseChecksums(target.url);
      const partialRows = partial.reduce((sum, table) => sum + table.rows, 0);
      expect(partialRows).toBeGreaterThan(0);
      await expect(copyDatabase({ from: source.url, to: target.url })).rejects.toThrow(
        /already holds \d+ rows.*--force/,
      );
      await copyDatabase({ from: source.url, to: target.url, batchSize: 10, force: true });
      expect(await databaseChecksums(target.url)).toEqual(await databaseChecksums(source.url));
    });

    it("fails verification when the target holds rows the source lacks", async () => {
      const source = await fresh(from);
      const target = await fresh(to);
      await fillEveryTable(source.url, { messages: 5 });
      const { db, close } = await openDatabase(target.url);
      await db.jobLease.create({ data: { name: "only-in-target", holder: "x", expires_at: new Date() } });
      await close();
      await expect(copyDatabase({ from: source.url, to: target.url, force: true })).rejects.toThrow(
        /verification failed:\s+job_leases: 2 rows, expected 1/,
      );
    });

    it(`backs up ${from} and restores into ${to} with the same checksums`, async () => {
      const source = await fresh(from);
      const target = await fresh(to);
      await fillEveryTable(source.url, { messages: 75 });
      const dir = mkdtempSync(path.join(tmpdir(), "visitor-chat-backup-"));
      try {
        const file = path.join(dir, "backup.ndjson.gz");
        const written = await writeBackup({ from: source.url, file, batchSize: 16 });
        await readBackup({ file, to: target.url, batchSize: 16 });
        const expected = await databaseChecksums(source.url);
        expect(written).toEqual(expected);
        expect(await databaseChecksums(target.url)).toEqual(expected);
        await expect(readBackup({ file, to: target.url })).rejects.toThrow(/already holds/);
        await readBackup({ file, to: target.url, force: true });
        expect(await databaseChecksums(target.url)).toEqual(expected);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe("SQLite online backup", () => {
  it("takes a consistent copy while the app writes", async () => {
    const source = await fresh("sqlite");
    await fillEveryTable(source.url, { messages: 3000 });
    const dir = mkdtempSync(path.join(tmpdir(), "visitor-chat-backup-"));
    const { db, close } = await openDatabase(source.url);
    let writing = true;
    let written = 0;
    const session = await db.session.findFirstOrThrow();
    const writer = (async () => {
      while (writing) {
        await db.message.create({
          data: { session_id: session.id, role: "user", content: `during backup ${written}` },
        });
        written += 1;
        // Prisma's SQLite adapter resolves without a macrotask: yield so the backup's steps run in between.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      const file = path.join(dir, "backup.db");
      await new Promise((resolve) => setTimeout(resolve, 50));
      await sqliteFileBackup(source.url, file);
      const during = written;
      writing = false;
      await writer;
      expect(during).toBeGreaterThan(0);
      const copy = new BetterSqlite3(file, { readonly: true });
      expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
      const count = (copy.prepare("SELECT COUNT(*) AS n FROM messages").get() as { n: number }).n;
      copy.close();
      expect(count).toBeGreaterThanOrEqual(3000);
      expect(count).toBeLessThanOrEqual(3000 + written);
      // A restore of it verifies table by table.
      const target = await fresh(other("sqlite"));
      const restored = await fresh("sqlite");
      await copyDatabase({ from: `file:${file}`, to: target.url });
      await copyDatabase({ from: target.url, to: restored.url });
      expect(await databaseChecksums(restored.url)).toEqual(await databaseChecksums(`file:${file}`));
    } finally {
      writing = false;
      await writer;
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function run(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", script), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe("npm run db:copy (the script)", () => {
  const to = other("sqlite");
  it(`is killed midway, then re-run with --force, and verifies (sqlite → ${to})`, async () => {
    const source = await fresh("sqlite");
    const target = await fresh(to);
    await fillEveryTable(source.url, { messages: 20_000 });
    const shownTarget =
      to === "postgresql" ? target.url.replace("postgres@", "postgres:s3cret@") : target.url;
    const first = run("db-copy.ts", ["--to", shownTarget, "--batch-size", "100"], {
      DATABASE_URL: source.url,
    });
    for (let i = 0; i < 600 && !/messages: [1-9]\d*\/20000/.test(first.output()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.child.kill("SIGKILL");
    await first.exited;
    expect(first.output()).toMatch(/messages: \d+\/20000 rows/);
    expect(first.output()).not.toMatch(/every table verified/);
    if (to === "postgresql") {
      expect(first.output()).not.toContain("s3cret");
      expect(first.output()).toContain("postgres:***@");
    }

    const refused = run("db-copy.ts", ["--to", shownTarget], { DATABASE_URL: source.url });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(/already holds \d+ rows/);

    const again = run("db-copy.ts", ["--to", shownTarget, "--force"], { DATABASE_URL: source.url });
    expect(await again.exited, again.output()).toBe(0);
    expect(again.output()).toMatch(/every table verified/);
    expect(await databaseChecksums(target.url)).toEqual(await databaseChecksums(source.url));
  }, 120_000);
});

describe("npm run db:backup / db:restore (the scripts)", () => {
  for (const file of ["backup.ndjson.gz", "backup.db"]) {
    it(`backs up an SQLite database to ${file} and restores it into ${other("sqlite")}`, async () => {
      const source = await fresh("sqlite");
      const target = await fresh(other("sqlite"));
      await fillEveryTable(source.url, { messages: 40 });
      const dir = mkdtempSync(path.join(tmpdir(), "visitor-chat-backup-"));
      try {
        const backup = run("db-backup.ts", [path.join(dir, file)], { DATABASE_URL: source.url });
        expect(await backup.exited, backup.output()).toBe(0);
        const restore = run("db-restore.ts", [path.join(dir, file)], { DATABASE_URL: target.url });
        expect(await restore.exited, restore.output()).toBe(0);
        expect(await databaseChecksums(target.url)).toEqual(await databaseChecksums(source.url));
        const again = run("db-restore.ts", [path.join(dir, file)], { DATABASE_URL: target.url });
        expect(await again.exited).toBe(1);
        expect(again.output()).toMatch(/already holds \d+ rows/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
