import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresPrismaClient } from "~/generated/prisma-postgresql/client";
import { PrismaClient as SqlitePrismaClient } from "~/generated/prisma-sqlite/client";
import { resolveDatabaseUrl, type Dialect } from "./database-url";

/**
 * The data-access type the domain layer is written against. Both generated clients come from the same models
 * (prisma/sqlite/schema.prisma is derived from prisma/schema.prisma and a test fails on drift), so the SQLite
 * client is used through the PostgreSQL client's type.
 */
export type Db = PostgresPrismaClient;

export interface Database {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/** How long a SQLite statement waits for a lock held by another connection or process before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export async function openDatabase(databaseUrl: string): Promise<Database> {
  const target = resolveDatabaseUrl(databaseUrl);
  if (target.dialect === "postgresql") {
    const db = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: target.adapterUrl }) });
    return { db, dialect: "postgresql", close: () => db.$disconnect() };
  }
  const sqlite = new SqlitePrismaClient({
    adapter: new PrismaBetterSQLite3({ url: target.adapterUrl, timeout: SQLITE_BUSY_TIMEOUT_MS }),
  });
  // WAL lets readers proceed during a write (and other processes, e.g. the migrator or a second server, share
  // the file); busy_timeout makes a writer wait for the lock instead of failing with SQLITE_BUSY.
  await sqlite.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await sqlite.$queryRawUnsafe(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  await sqlite.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  await sqlite.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  const db = sqlite as unknown as Db;
  return { db, dialect: "sqlite", close: () => sqlite.$disconnect() };
}
