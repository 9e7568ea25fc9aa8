import type { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaClient as PostgresPrismaClient } from "~/generated/prisma-postgresql/client";
import type { SqlDriverAdapterFactory, SqlQueryable } from "@prisma/driver-adapter-utils";
import { metrics, type PoolCounts } from "../observability/metrics";
import { resolveDatabaseUrl, type Dialect } from "./database-url";
import { directSqlFactory } from "./direct-sql";

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

export interface OpenOptions {
  /** Called with every SQL statement sent to the database (Prisma's `$on("query")` is not there with adapters). */
  onStatement?: (sql: string) => void;
}

/**
 * Opens the database of the URL's dialect. Only that dialect's generated client and driver adapter are loaded
 * (imported here, on first use): a PostgreSQL server never loads better-sqlite3 and the SQLite client, and a
 * SQLite one never loads pg (bench/RESULTS.md, idle memory).
 */
export async function openDatabase(databaseUrl: string, options: OpenOptions = {}): Promise<Database> {
  const target = resolveDatabaseUrl(databaseUrl);
  const observe = <T extends SqlDriverAdapterFactory>(factory: T): T =>
    options.onStatement ? observeStatements(factory, options.onStatement) : factory;
  if (target.dialect === "postgresql") {
    const [{ PrismaPg }, { PrismaClient: PostgresPrismaClient }] = await Promise.all([
      import("@prisma/adapter-pg"),
      import("~/generated/prisma-postgresql/client"),
    ]);
    const pools = new Set<PoolCounts>();
    const direct = directSqlFactory(
      observe(countPool(new PrismaPg({ connectionString: target.adapterUrl }), pools)),
      "postgresql",
    );
    const db = new PostgresPrismaClient({ adapter: direct.factory });
    direct.register(db);
    return {
      db,
      dialect: "postgresql",
      close: async () => {
        for (const pool of pools) metrics.pools.delete(pool);
        await db.$disconnect();
      },
    };
  }
  const [{ PrismaBetterSQLite3 }, { PrismaClient: SqlitePrismaClient }] = await Promise.all([
    import("@prisma/adapter-better-sqlite3"),
    import("~/generated/prisma-sqlite/client"),
  ]);
  const direct = directSqlFactory(
    observe(
      reusePreparedStatements(
        new PrismaBetterSQLite3({ url: target.adapterUrl, timeout: SQLITE_BUSY_TIMEOUT_MS }),
      ),
    ),
    "sqlite",
  );
  const sqlite = new SqlitePrismaClient({ adapter: direct.factory });
  direct.register(sqlite);
  // WAL lets readers proceed during a write (and other processes, e.g. the migrator or a second server, share
  // the file); busy_timeout makes a writer wait for the lock instead of failing with SQLITE_BUSY.
  await sqlite.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await sqlite.$queryRawUnsafe(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  await sqlite.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  await sqlite.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  const db = sqlite as unknown as Db;
  return { db, dialect: "sqlite", close: () => sqlite.$disconnect() };
}

/** Prepared statements kept per SQLite connection (the distinct SQL texts the app sends are far fewer). */
const PREPARED_STATEMENTS_KEPT = 256;

/** The part of a better-sqlite3 statement the SQLite adapter uses. */
interface SqliteStatement {
  readonly reader: boolean;
  run(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown[];
  columns(): unknown[];
  raw(toggle?: boolean): SqliteStatement;
}

/**
 * Each statement prepared once per connection and reused. The SQLite adapter prepares every statement anew
 * (`client.prepare(sql).bind(args)`, then runs it once): preparing was ≈ 0.1 ms of a `visitors.create`'s CPU
 * (bench/RESULTS.md, issue 24 item 4). Here the connection's `prepare` answers a kept statement (the most recently
 * used PREPARED_STATEMENTS_KEPT of them), and `bind(args)` binds the arguments to that call only (better-sqlite3
 * binds for good), so what the adapter runs, reads and reports is the same. SQLite re-prepares a kept statement
 * by itself when the schema changes; a statement that fails to prepare is not kept.
 */
function reusePreparedStatements<T extends SqlDriverAdapterFactory>(factory: T): T {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    // PrismaBetterSQLite3Adapter keeps its better-sqlite3 Database as `client`.
    const client = (adapter as unknown as { client?: { prepare?: (sql: string) => unknown } }).client;
    const prepare = client?.prepare?.bind(client) as ((sql: string) => SqliteStatement) | undefined;
    if (!client || !prepare) return adapter;
    const kept = new Map<string, SqliteStatement>();
    client.prepare = (sql: string) => {
      let statement = kept.get(sql);
      if (statement) kept.delete(sql);
      else {
        statement = prepare(sql);
        if (kept.size >= PREPARED_STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
      }
      kept.set(sql, statement);
      return reusable(statement);
    };
    return adapter;
  };
  return factory;
}

/** A kept statement as the adapter uses a fresh one: `bind(args)` once, then run or read it. */
function reusable(statement: SqliteStatement) {
  return {
    reader: statement.reader,
    run: () => statement.run(),
    bind: (args: unknown[]) => ({
      reader: statement.reader,
      columns: () => statement.columns(),
      run: () => statement.run(args),
      raw: () => ({ all: () => statement.raw(true).all(args) }),
    }),
  };
}

/** Reports the pg pool each connection of `factory` opens in metrics (visitor_chat_db_pool_connections). */
function countPool(factory: PrismaPg, pools: Set<PoolCounts>): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    // PrismaPgAdapter keeps its pg.Pool as `client`.
    const pool = (adapter as unknown as { client?: Partial<PoolCounts> }).client;
    if (pool && typeof pool.totalCount === "number") {
      pools.add(pool as PoolCounts);
      metrics.pools.add(pool as PoolCounts);
    }
    return adapter;
  };
  return factory;
}

/** Wraps an adapter factory so every statement (BEGIN included) is reported to `onStatement`. */
function observeStatements<T extends SqlDriverAdapterFactory>(
  factory: T,
  onStatement: (sql: string) => void,
): T {
  const observeQueryable = <Q extends SqlQueryable>(
    queryable: Q,
    extra: (name: string | symbol) => unknown,
  ) =>
    new Proxy(queryable, {
      get(target, name, receiver) {
        if (name === "queryRaw" || name === "executeRaw") {
          return (query: { sql: string }) => {
            onStatement(query.sql);
            return target[name](query as never);
          };
        }
        const replaced = extra(name);
        if (replaced !== undefined) return replaced;
        const value: unknown = Reflect.get(target, name, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  return new Proxy(factory, {
    get(target, name, receiver) {
      if (name !== "connect") {
        const value: unknown = Reflect.get(target, name, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return async () => {
        const adapter = await target.connect();
        return observeQueryable(adapter, (member) =>
          member === "startTransaction"
            ? async (...args: Parameters<typeof adapter.startTransaction>) => {
                onStatement("BEGIN");
                // BEGIN is sent inside startTransaction (COMMIT / ROLLBACK come as statements).
                return observeQueryable(await adapter.startTransaction(...args), () => undefined);
              }
            : undefined,
        );
      };
    },
  });
}
