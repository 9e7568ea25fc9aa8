/**
 * Database tooling for both dialects. Migrations are SQL files per dialect in prisma/migrations/<dialect>/,
 * authored by `prisma migrate diff` and applied by dbmate (Prisma Migrate cannot apply them to PostgreSQL
 * through a driver adapter here, prisma/orm#27403).
 *
 *   tsx scripts/db.ts migrate            apply pending migrations to DATABASE_URL (default: the SQLite file)
 *   tsx scripts/db.ts new <name>         author the migration that brings both dialects to the current schema
 *   tsx scripts/db.ts check              fail if the migrations do not produce exactly the current schema
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { DEFAULT_DATABASE_URL, resolveDatabaseUrl, type Dialect } from "../src/server/db/database-url";
import { canonicalSchemaPath, deriveSqliteSchema } from "./derive-sqlite-schema";

const dbmateBin = path.join("node_modules", ".bin", "dbmate");

/** `scheme://user:secret@host` → `scheme://user:***@host`, and `password=…` parameters, in any text. */
export function redactUrls(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]*@/gi, "$1:***@")
    .replace(/([?&;\s](?:password|pass|pwd|sslpassword)=)[^&\s]*/gi, "$1***");
}

/**
 * Applies every pending migration (creating the database or SQLite file if needed). The URL goes to dbmate
 * through its environment (DATABASE_URL), never on its command line, where `ps` would show the password; a
 * failure is reported with any URL in it redacted. Answers the migrations it applied (dbmate's output is printed
 * unless `quiet`).
 */
export function migrate(databaseUrl: string, options: { quiet?: boolean } = {}): string[] {
  const target = resolveDatabaseUrl(databaseUrl);
  if (target.dialect === "sqlite")
    mkdirSync(path.dirname(path.resolve(target.adapterUrl)), { recursive: true });
  const result = spawnSync(
    dbmateBin,
    // dbmate reads DATABASE_URL (a .env file it loads does not override a variable already set).
    ["--migrations-dir", target.migrationsDir, "--no-dump-schema", "up"],
    {
      stdio: ["ignore", options.quiet ? "pipe" : "inherit", "pipe"],
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: target.dbmateUrl },
    },
  );
  const stderr = redactUrls(result.stderr ?? "").trim();
  if (result.error || result.status !== 0) {
    const hint = /SSL is not enabled on the server/.test(stderr)
      ? "\n(the server has no TLS: add ?sslmode=disable to DATABASE_URL if that is intended)"
      : "";
    throw new Error(
      `Migrating ${redactUrls(databaseUrl)} failed: ${stderr || redactUrls(String(result.error ?? `dbmate exited with ${result.status}`))}${hint}`,
    );
  }
  if (stderr && !options.quiet) console.error(stderr);
  return [...(result.stdout ?? "").matchAll(/^Applied: (\S+)/gm)].map((match) => match[1]!);
}

/**
 * The canonical schema as of the latest migration. `prisma migrate diff` cannot read a live database through a
 * driver adapter, so new migrations are the diff between this snapshot and the current schema.
 */
const snapshotPath = path.join("prisma", "migrations", "schema.snapshot.prisma");

/** SQL that brings a database at the latest migration up to the current Prisma schema ("" if none). */
function pendingSchemaChange(dialect: Dialect): string {
  const dir = mkdtempSync(path.join(tmpdir(), "visitor-chat-diff-"));
  try {
    const canonicalNow = readFileSync(canonicalSchemaPath, "utf8");
    const canonicalThen = existsSync(snapshotPath) ? readFileSync(snapshotPath, "utf8") : null;
    const forDialect = (schema: string) => (dialect === "sqlite" ? deriveSqliteSchema(schema) : schema);
    const toFile = path.join(dir, "to.prisma");
    writeFileSync(toFile, forDialect(canonicalNow));
    const from = ["--from-empty"];
    if (canonicalThen !== null) {
      const fromFile = path.join(dir, "from.prisma");
      writeFileSync(fromFile, forDialect(canonicalThen));
      from.splice(0, 1, "--from-schema-datamodel", fromFile);
    }
    const throwawayUrl = dialect === "sqlite" ? `file:${path.join(dir, "throwaway.db")}` : undefined;
    const sql = execFileSync(
      path.join("node_modules", ".bin", "prisma"),
      ["migrate", "diff", ...from, "--to-schema-datamodel", toFile, "--script"],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          PRISMA_DIALECT: dialect,
          // The schema engine connects even for a pure datamodel diff: never to the app's database.
          ...(throwawayUrl ? { PRISMA_CLI_DATABASE_URL: throwawayUrl } : {}),
          PRISMA_HIDE_PREVIEW_FLAG_WARNINGS: "1",
        },
      },
    );
    return sql
      .split("\n")
      .filter((line) => !line.startsWith("Loaded Prisma config"))
      .join("\n")
      .replace(/^-- This is an empty migration\.\s*$/m, "")
      .trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

function authorMigration(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("migration name: lowercase letters, digits and _ only");
  const stamp = timestamp();
  for (const dialect of ["postgresql", "sqlite"] as const) {
    const sql = pendingSchemaChange(dialect);
    if (sql === "") {
      console.log(`${dialect}: schema already matches the migrations, nothing written`);
      continue;
    }
    const file = path.join("prisma", "migrations", dialect, `${stamp}_${name}.sql`);
    writeFileSync(
      file,
      `-- migrate:up\n${sql}\n\n-- migrate:down\n-- Not reversible automatically: restore from a backup.\n`,
    );
    console.log(`wrote ${file}`);
  }
  copyFileSync(canonicalSchemaPath, snapshotPath);
}

/** Fails when prisma/schema.prisma changed without a migration (run `npm run db:new -- <name>`). */
function checkMigrations(): void {
  const sql = pendingSchemaChange("postgresql");
  if (sql !== "") {
    console.error(
      `prisma/schema.prisma has changes no migration applies; run npm run db:new -- <name>:\n${sql}`,
    );
    process.exit(1);
  }
  console.log("migrations are up to date with prisma/schema.prisma");
}

async function main(): Promise<void> {
  const [command, argument] = process.argv.slice(2);
  loadEnvConfig(process.cwd());
  if (command === "migrate") return void migrate(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  if (command === "new" && argument) return authorMigration(argument);
  if (command === "check") return checkMigrations();
  console.error("usage: tsx scripts/db.ts migrate | new <name> | check");
  process.exit(2);
}

if (process.argv[1]?.endsWith(path.join("scripts", "db.ts"))) {
  main().catch((error: unknown) => {
    console.error(redactUrls(error instanceof Error ? error.message : String(error)));
    process.exit(1);
  });
}
