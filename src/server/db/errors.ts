import { Prisma } from "~/generated/prisma-postgresql/client";

/**
 * A write refused by a foreign key (e.g. a message for a session deleted meanwhile), on either database: P2003
 * from a model query, P2010 ("raw query failed") with the driver adapter's kind from a raw one.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2003") return true;
  const adapterError = error.meta?.driverAdapterError as { cause?: { kind?: unknown } } | undefined;
  return error.code === "P2010" && adapterError?.cause?.kind === "ForeignKeyConstraintViolation";
}
