import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

/**
 * Prisma CLI configuration (generate and `migrate diff` only: migrations are applied by dbmate,
 * see scripts/migrate.ts). One config serves both dialects, chosen by PRISMA_DIALECT.
 *
 * The JS schema engine connects to the adapter's database even for `migrate diff --from-empty`,
 * so the adapter points at a throwaway database, never at the app's data (PRISMA_CLI_DATABASE_URL).
 */
const dialect = process.env.PRISMA_DIALECT === "sqlite" ? "sqlite" : "postgresql";
const cliDatabaseUrl =
  process.env.PRISMA_CLI_DATABASE_URL ??
  (dialect === "sqlite" ? "file::memory:" : "postgresql://postgres@127.0.0.1:5432/postgres");
// The schemas' `url = env("PRISMA_CLI_DATABASE_URL")` only satisfies the CLI's schema validation; the app
// never reads it (it connects through a driver adapter built from DATABASE_URL in src/server/db.ts).
process.env.PRISMA_CLI_DATABASE_URL = cliDatabaseUrl;

export default defineConfig({
  experimental: { adapter: true },
  schema:
    dialect === "sqlite"
      ? path.join("prisma", "sqlite", "schema.prisma")
      : path.join("prisma", "schema.prisma"),
  engine: "js",
  async adapter() {
    if (dialect === "sqlite") {
      return new PrismaBetterSQLite3({ url: cliDatabaseUrl.replace(/^file:/, "") });
    }
    return new PrismaPg({ connectionString: cliDatabaseUrl });
  },
});
