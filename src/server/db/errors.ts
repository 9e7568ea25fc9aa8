import { Prisma } from "~/generated/prisma-postgresql/client";

/**
 * Constraint failures, on either database. A model query reports them by code (P2002 unique, P2003 foreign key);
 * a raw query (src/server/chat/hot-sql.ts) as P2010 ("raw query failed") with the driver adapter's kind. Both
 * generated clients share Prisma's runtime, so one error class covers SQLite and PostgreSQL.
 */
function violates(error: unknown, modelCode: string, adapterKind: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === modelCode) return true;
  const adapterError = error.meta?.driverAdapterError as { cause?: { kind?: unknown } } | undefined;
  return error.code === "P2010" && adapterError?.cause?.kind === adapterKind;
}

/** A write refused by a foreign key (e.g. a message for a session deleted meanwhile). */
export function isForeignKeyViolation(error: unknown): boolean {
  return violates(error, "P2003", "ForeignKeyConstraintViolation");
}

/** A write refused by a unique key (e.g. two instances inserting the same row at once). */
export function isUniqueViolation(error: unknown): boolean {
  return violates(error, "P2002", "UniqueConstraintViolation");
}
