/**
 * Recognises "the database cannot be reached" among driver and Prisma errors, so it is answered as a 503
 * with a retry hint rather than a 500 (SERVICE_UNAVAILABLE in src/server/errors/app-error.ts). The pg pool
 * and the SQLite handle recover by themselves once the database is back; nothing needs restarting.
 */
/** Prisma connection errors, and PostgreSQL SQLSTATEs for shutdown, "cannot connect now" and too many clients. */
const UNAVAILABLE_CODES = new Set([
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);
const UNAVAILABLE_PATTERNS = [
  /ECONNREFUSED/,
  /ECONNRESET/,
  /ETIMEDOUT/,
  /EHOSTUNREACH/,
  /Connection terminated/i,
  /terminating connection/i,
  /database system is (starting up|shutting down)/i,
  /does not allow connections/i,
  /not currently accepting connections/i,
  /too many clients/i,
  /Can't reach database server/i,
  /SQLITE_BUSY/,
  /SQLITE_CANTOPEN/,
  /database is locked/i,
];

/**
 * "The table does not exist": the database answers but its migrations were never applied (Prisma P2021, SQLite's
 * "no such table", PostgreSQL SQLSTATE 42P01, a driver adapter's TableDoesNotExist). Also a 503, with its own message (DATABASE_NOT_MIGRATED).
 */
export function isDatabaseNotMigrated(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth += 1) {
    const candidate = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      meta?: { driverAdapterError?: { cause?: unknown } };
    };
    if (
      candidate.code === "P2021" ||
      candidate.code === "42P01" ||
      candidate.originalCode === "42P01" ||
      candidate.kind === "TableDoesNotExist"
    )
      return true;
    if (
      typeof candidate.message === "string" &&
      /no such table|relation "[^"]*" does not exist|table `?[^`\s]*`? does not exist/i.test(
        candidate.message,
      )
    )
      return true;
    current = candidate.cause ?? candidate.meta?.driverAdapterError?.cause;
  }
  return false;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth += 1) {
    const candidate = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      meta?: { driverAdapterError?: { cause?: unknown } };
    };
    if (
      typeof candidate.code === "string" &&
      (UNAVAILABLE_CODES.has(candidate.code) || /^08\d{3}$/.test(candidate.code))
    ) {
      return true; // SQLSTATE class 08: connection exception
    }
    if (candidate.kind === "DatabaseNotReachable" || candidate.kind === "SocketTimeout") return true;
    if (
      typeof candidate.originalCode === "string" &&
      (UNAVAILABLE_CODES.has(candidate.originalCode) || /^08\d{3}$/.test(candidate.originalCode))
    )
      return true;
    if (
      typeof candidate.message === "string" &&
      UNAVAILABLE_PATTERNS.some((pattern) => pattern.test(candidate.message as string))
    ) {
      return true;
    }
    // A raw query's error (P2010) carries the driver adapter's error in meta, not as its cause.
    current = candidate.cause ?? candidate.meta?.driverAdapterError?.cause;
  }
  return false;
}
