/**
 * Real databases for tests: every suite gets a fresh SQLite file and a fresh PostgreSQL database (created on the
 * server at 127.0.0.1:5432 and dropped afterwards), both migrated with the project's own migrations.
 *
 * PostgreSQL is never skipped silently: if it cannot be reached the suite fails. TEST_DATABASES=sqlite runs
 * SQLite only, for a machine without PostgreSQL; CI ignores it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { migrate } from "../../scripts/db";
import { openDatabase, type Database } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  dialect: Dialect;
  url: string;
  drop(): Promise<void>;
}

export function dialectsUnderTest(): Dialect[] {
  if (process.env.CI !== "true" && process.env.TEST_DATABASES === "sqlite") return ["sqlite"];
  return ["sqlite", "postgresql"];
}

/** Creates an empty, migrated database of the dialect. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "visitor-chat-test-"));
    const url = `file:${path.join(dir, "test.db")}`;
    migrate(url, { quiet: true });
    return { dialect, url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `visitor_chat_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  migrate(url.toString(), { quiet: true });
  return {
    dialect,
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Runs `body` once per dialect against its own fresh database. `body` receives a getter: the database is
 * opened in beforeAll, so read it inside tests and hooks.
 */
export function describeEachDatabase(
  name: string,
  body: (database: () => Database, dialect: Dialect) => void,
): void {
  for (const dialect of dialectsUnderTest()) {
    describe(`${name} [${dialect}]`, () => {
      let testDatabase: TestDatabase | undefined;
      let database: Database | undefined;
      beforeAll(async () => {
        testDatabase = await createTestDatabase(dialect);
        database = await openDatabase(testDatabase.url);
      });
      afterAll(async () => {
        await database?.close();
        await testDatabase?.drop();
      });
      body(() => {
        if (!database) throw new Error("database not opened yet: use it inside a test or hook");
        return database;
      }, dialect);
    });
  }
}
