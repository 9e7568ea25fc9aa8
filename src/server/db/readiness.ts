import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Database } from "./client";
import { resolveDatabaseUrl } from "./database-url";

interface Readiness {
  ready: boolean;
  database: "ok" | "unreachable";
  migrations: { applied: number; expected: number; pending: string[] };
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
  } catch {
    return {
      ready: false,
      database: "unreachable",
      migrations: { applied: 0, expected: files.length, pending: files },
    };
  }
}
