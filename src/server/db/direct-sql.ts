import type { ArgType, SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { Prisma } from "~/generated/prisma-postgresql/client";
import type { Dialect } from "./database-url";

/**
 * A raw statement that runs ALONE (no batch, no interactive transaction) on the app's client is sent straight to
 * the driver adapter Prisma itself uses — the same connection (SQLite) or pool (PostgreSQL), the same parameter
 * mapping (the adapter's own: a Date is the same text on SQLite and the same timestamp on PostgreSQL), the same
 * statement observer — without Prisma's per-query work around it: serializing the request, compiling it into a
 * plan in the query compiler (WebAssembly) and interpreting the plan (≈ 0.4 ms of CPU per statement on SQLite,
 * the biggest part of a `visitors.create` above tRPC's floor: bench/RESULTS.md, issue 24 item 4).
 *
 * Prisma's client does nothing else for such a statement: outside a transaction it calls the adapter's
 * `executeRaw` as this does (the SQLite adapter shares its one connection with any open transaction either way).
 * A failure is reported as Prisma reports a raw statement's failure (P2010 carrying the driver adapter's error),
 * so src/server/db/errors.ts and unavailable.ts read it the same. A statement inside `$transaction([...])` or on a
 * transaction's client takes Prisma's path, unchanged.
 */

interface DirectTarget {
  dialect: Dialect;
  /** The adapter Prisma connected (set when it connects; Prisma connects on its first query or `$connect`). */
  adapter?: SqlDriverAdapter;
  connect: () => Promise<void>;
}

// On globalThis, like the app's other registries: each Next.js route bundle has its own copy of this module, and
// the client is opened (and registered) by whichever bundle first asked for the runtime.
const globalTargets = globalThis as typeof globalThis & {
  __visitorChatDirectSql?: WeakMap<object, DirectTarget>;
};
const targets: WeakMap<object, DirectTarget> = (globalTargets.__visitorChatDirectSql ??= new WeakMap());

/**
 * Wraps the adapter factory a client is built with, so the adapter it connects is known (wrap it last: the
 * statement observer and the pool counter stay inside). Call `register` with the client once it is built.
 */
export function directSqlFactory<T extends SqlDriverAdapterFactory>(
  factory: T,
  dialect: Dialect,
): { factory: T; register: (db: { $connect(): Promise<void> }) => void } {
  const target: DirectTarget = { dialect, connect: () => Promise.resolve() };
  const wrapped = new Proxy(factory, {
    get(inner, name, receiver) {
      if (name === "connect") {
        return async () => {
          const adapter = await inner.connect();
          target.adapter = adapter;
          return adapter;
        };
      }
      const value: unknown = Reflect.get(inner, name, receiver);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(inner) : value;
    },
  });
  return {
    factory: wrapped,
    register: (db) => {
      target.connect = () => db.$connect();
      targets.set(db, target);
    },
  };
}

/** The adapter's type of each parameter, as Prisma gives them for a raw statement; undefined for one it would not. */
function argTypeOf(value: unknown): ArgType | undefined {
  if (value === null) return { scalarType: "unknown", arity: "scalar" };
  if (value instanceof Date) return { scalarType: "datetime", arity: "scalar" };
  switch (typeof value) {
    case "string":
      return { scalarType: "string", arity: "scalar" };
    case "number":
      return { scalarType: Number.isInteger(value) ? "int" : "float", arity: "scalar" };
    case "boolean":
      return { scalarType: "boolean", arity: "scalar" };
    default:
      return undefined;
  }
}

const DIRECT = Symbol.for("visitor-chat.directSql");
type DirectCapable<T> = Prisma.PrismaPromise<T> & { [DIRECT]?: () => Promise<T> };

/**
 * `db.$executeRaw(query)` — Prisma's statement, for a batch or a transaction — that `runAlone` sends straight to
 * the adapter when `db` is an app client opened by openDatabase and every parameter is a plain value.
 */
export function executeRawStatement(
  db: Pick<Prisma.TransactionClient, "$executeRaw">,
  query: Prisma.Sql,
): Prisma.PrismaPromise<number> {
  const statement: DirectCapable<number> = db.$executeRaw(query);
  const target = targets.get(db);
  if (!target) return statement;
  const argTypes = query.values.map(argTypeOf);
  if (argTypes.some((type) => type === undefined)) return statement;
  statement[DIRECT] = () =>
    execute(target, {
      sql: target.dialect === "postgresql" ? query.text : query.sql,
      args: query.values,
      argTypes: argTypes as ArgType[],
    });
  return statement;
}

/** Whether runAlone sends this statement straight to the driver adapter. */
export function runsDirect(statement: Prisma.PrismaPromise<unknown>): boolean {
  return (statement as DirectCapable<unknown>)[DIRECT] !== undefined;
}

/** Runs one statement by itself: straight on the adapter when it can (see executeRawStatement), else as Prisma's. */
export function runAlone<T>(statement: Prisma.PrismaPromise<T>): Promise<T> {
  const direct = (statement as DirectCapable<T>)[DIRECT];
  return direct ? direct() : statement;
}

async function execute(
  target: DirectTarget,
  query: { sql: string; args: unknown[]; argTypes: ArgType[] },
): Promise<number> {
  if (!target.adapter) await target.connect();
  const adapter = target.adapter;
  if (!adapter) throw new Error("directSql: the client connected no adapter");
  try {
    return await adapter.executeRaw(query);
  } catch (error) {
    throw asPrismaRawError(error);
  }
}

/**
 * A driver adapter's error as Prisma reports a raw statement's: P2010 "Raw query failed", the adapter's error in
 * `meta.driverAdapterError` (its `cause` has the kind, e.g. TableDoesNotExist, and the database's own code).
 */
function asPrismaRawError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== "DriverAdapterError") return error;
  const cause = (error as Error & { cause?: { originalCode?: string; originalMessage?: string } }).cause;
  return new Prisma.PrismaClientKnownRequestError(
    `Raw query failed. Code: \`${cause?.originalCode ?? "N/A"}\`. Message: \`${cause?.originalMessage ?? error.message}\``,
    { code: "P2010", clientVersion: Prisma.prismaVersion.client, meta: { driverAdapterError: error } },
  );
}
