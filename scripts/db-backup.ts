/**
 * Backs up DATABASE_URL (default: the SQLite file) while the app keeps running:
 *
 *   npm run db:backup -- backups/chat-2026-11-25.ndjson.gz   portable (either dialect; restores into either)
 *   npm run db:backup -- backups/chat-2026-11-25.db          SQLite only: SQLite's online backup API
 *
 * Both read one consistent snapshot. Restore with npm run db:restore -- <file>. See docs/operations.md.
 */
import { loadEnvConfig } from "@next/env";
import { DEFAULT_DATABASE_URL } from "../src/server/db/database-url";
import { redactUrls } from "./db";
import { isSqliteFile } from "./lib/backup-file";
import { sqliteFileBackup, writeBackup } from "./lib/db-copy";

async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  if (!file || file.startsWith("-")) {
    console.error("usage: npm run db:backup -- <file.ndjson.gz | file.db>");
    process.exit(2);
  }
  loadEnvConfig(process.cwd());
  const from = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  console.log(`backing up ${redactUrls(from)} → ${file}`);
  if (isSqliteFile(file)) {
    await sqliteFileBackup(from, file);
  } else {
    await writeBackup({ from, file, log: (line) => console.log(line) });
  }
  console.log("backup complete");
}

main().catch((error: unknown) => {
  console.error(redactUrls(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
