/**
 * Real databases for tests: every suite gets a fresh SQLite file and a fresh PostgreSQL database (created on the
 * server at 127.0.0.1:5432 and dropped afterwards), both migrated with the project's own migrations.
 *
 * PostgreSQL is never skipped silently: if it cannot be reached the suite fails. TEST_DATABASES=sqlite runs
 * SQLite only, for a machine without PostgreSQL; CI ignores it.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { openDatabase, type Database } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "../../testing/test-database";

export {
  createTestDatabase,
  dialectsUnderTest,
  POSTGRES_ADMIN_URL,
  type TestDatabase,
} from "../../testing/test-database";

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
