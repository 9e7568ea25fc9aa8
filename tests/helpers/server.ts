/**
 * Runs the production build as `npm start` does (scripts/start.ts) against a given database, on a free port,
 * for tests that speak real HTTP. `npm test` builds first; run `npx next build` before running these suites alone.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { openDatabase, type Database } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./databases";
import { startServer, type RunningServer } from "../../testing/next-server";

export { startServer, type RunningServer } from "../../testing/next-server";

interface ServerUnderTest {
  baseUrl: string;
  /** The server's database, opened by the test too, to check what was stored. */
  database: Database;
  server: RunningServer;
}

/**
 * Runs `body` once per dialect against `next start` on a fresh database of that dialect. `env` is read when
 * the server starts (after the file's own beforeAll hooks), e.g. to point it at a fake LLM started there.
 */
export function describeEachServer(
  name: string,
  body: (target: () => ServerUnderTest, dialect: Dialect) => void,
  options: { env?: () => Record<string, string> } = {},
): void {
  for (const dialect of dialectsUnderTest()) {
    describe(`${name} [${dialect}]`, () => {
      let testDatabase: TestDatabase | undefined;
      let target: ServerUnderTest | undefined;
      beforeAll(async () => {
        testDatabase = await createTestDatabase(dialect);
        const server = await startServer({ databaseUrl: testDatabase.url, env: options.env?.() });
        target = { baseUrl: server.baseUrl, server, database: await openDatabase(testDatabase.url) };
      }, 90_000);
      afterAll(async () => {
        await target?.server.stop();
        await target?.database.close();
        await testDatabase?.drop();
      });
      body(() => {
        if (!target) throw new Error("server not started yet: use it inside a test or hook");
        return target;
      }, dialect);
    });
  }
}
