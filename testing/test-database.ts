/**
 * Fresh, migrated SQLite and PostgreSQL databases, without Vitest: used by the test suites (through
 * tests/helpers/databases.ts) and by the benches under bench/.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { migrate } from "../scripts/db";
import type { Dialect } from "~/server/db/database-url";

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable";

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
