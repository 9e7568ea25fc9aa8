/**
 * One reading of DATABASE_URL for the app, the migration script and the tests: which dialect it selects,
 * and the URL forms each tool wants (Prisma's driver adapters, dbmate).
 */
export type Dialect = "sqlite" | "postgresql";

/** The database when DATABASE_URL is unset: an SQLite file under ./data, so the app runs with no configuration. */
export const DEFAULT_DATABASE_URL = "file:./data/visitor-chat.db";

interface DatabaseTarget {
  dialect: Dialect;
  /** SQLite: the database file's path. PostgreSQL: the connection string. */
  adapterUrl: string;
  /** The same database in dbmate's URL syntax. */
  dbmateUrl: string;
  /** Migrations for this dialect, authored with `prisma migrate diff` and applied by dbmate. */
  migrationsDir: string;
}

export function resolveDatabaseUrl(databaseUrl: string): DatabaseTarget {
  if (databaseUrl.startsWith("file:")) {
    const file = databaseUrl.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (file === "" || file.startsWith(":memory:")) {
      throw new Error(
        "DATABASE_URL: an in-memory SQLite database cannot be migrated or shared; use a file path",
      );
    }
    return {
      dialect: "sqlite",
      adapterUrl: file,
      dbmateUrl: `sqlite:${file}`,
      migrationsDir: "prisma/migrations/sqlite",
    };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const url = new URL(databaseUrl);
    // The user's TLS choice as written: dbmate requires TLS unless the URL says sslmode=disable.
    const dbmate = new URL(url);
    dbmate.protocol = "postgres:";
    return {
      dialect: "postgresql",
      adapterUrl: url.toString(),
      dbmateUrl: dbmate.toString(),
      migrationsDir: "prisma/migrations/postgresql",
    };
  }
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)");
}
