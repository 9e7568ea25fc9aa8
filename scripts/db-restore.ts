/**
 * Restores a backup made by npm run db:backup into DATABASE_URL (default: the SQLite file), migrated first:
 *
 *   npm run db:restore -- backups/chat-2026-11-25.ndjson.gz [--force]
 *   npm run db:restore -- backups/chat-2026-11-25.db [--force]
 *
 * A non-empty database is refused unless --force. Every table is verified (row count and checksum).
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadEnvConfig } from "@next/env";
import { DEFAULT_DATABASE_URL } from "../src/server/db/database-url";
import { migrate, redactUrls } from "./db";
import { isSqliteFile } from "./lib/backup-file";
import { copyDatabase, readBackup } from "./lib/db-copy";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { force: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  const [file] = positionals;
  if (!file) {
    console.error("usage: npm run db:restore -- <file.ndjson.gz | file.db> [--force]");
    process.exit(2);
  }
  loadEnvConfig(process.cwd());
  const to = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  console.log(`restoring ${file} → ${redactUrls(to)}`);
  migrate(to, { quiet: true });
  const log = (line: string) => console.log(redactUrls(line));
  if (isSqliteFile(file)) {
    // Bring a copy of the backup to the current migration (it may be from an older version), then copy it in.
    const dir = mkdtempSync(path.join(tmpdir(), "visitor-chat-restore-"));
    try {
      const copy = path.join(dir, "backup.db");
      copyFileSync(file, copy);
      migrate(`file:${copy}`, { quiet: true });
      await copyDatabase({ from: `file:${copy}`, to, force: values.force, log });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    await readBackup({ file, to, force: values.force, log });
  }
  console.log("restore complete");
}

main().catch((error: unknown) => {
  console.error(redactUrls(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
