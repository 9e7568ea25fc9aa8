import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Database } from "./client";
import { resolveDatabaseUrl } from "./database-url";
import { isDatabaseNotMigrated } from "./unavailable";

interface Readiness {
  ready: boolean;
  database: "ok" | "unreachable";
  /** Null when the database cannot be reached: what is applied is then unknown. */
  migrations: { applied: number; expected: number; pending: string[] } | null;
}

/** Whether the database answers and every migration in prisma/migrations/<dialect>/ has been applied. */
export async function checkReadiness(database: Database, databaseUrl: string): Promise<Readiness> {
  const files = (await readdir(path.resolve(resolveDatabaseUrl(databaseUrl).migrationsDir)))
    .filter((file) => file.endsWith(".sql"))
    .map((file) => file.split("_")[0] ?? file);
  try {
    const rows = await database.db.$queryRawUnsafe<{ version: string }[]>(
      "SELECT version FROM schema_migrations",
    );
    const applied = new Set(rows.map((row) => String(row.version)));
    const pending = files.filter((version) => !applied.has(version));
    return {
      ready: pending.length === 0,
      database: "ok",
      migrations: { applied: applied.size, expected: files.length, pending },
    };
  } catch (error) {
    // No schema_migrations table: the database answers, nothing was ever migrated. Anything else: unreachable.
    if (isDatabaseNotMigrated(error))
      return {
        ready: false,
        database: "ok",
        migrations: { applied: 0, expected: files.length, pending: files },
      };
    return { ready: false, database: "unreachable", migrations: null };
  }
}
