/**
 * Copies every table from DATABASE_URL (default: the SQLite file) into another database, of either dialect:
 *
 *   npm run db:copy -- --to postgresql://user:secret@host:5432/chat [--force] [--batch-size 1000]
 *
 * The target is migrated first; a non-empty target is refused unless --force (which upserts by id, so an
 * interrupted copy is finished by running the same command again with --force). Rows are verified at the end
 * (row count and checksum per table). See docs/operations.md.
 */
import { parseArgs } from "node:util";
import { loadEnvConfig } from "@next/env";
import { DEFAULT_DATABASE_URL } from "../src/server/db/database-url";
import { migrate, redactUrls } from "./db";
import { copyDatabase } from "./lib/db-copy";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      to: { type: "string" },
      force: { type: "boolean", default: false },
      "batch-size": { type: "string", default: "1000" },
    },
  });
  if (!values.to) {
    console.error("usage: npm run db:copy -- --to <database-url> [--force] [--batch-size N]");
    process.exit(2);
  }
  loadEnvConfig(process.cwd());
  const from = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const batchSize = Number(values["batch-size"]);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
    console.error("--batch-size: a whole number from 1 to 5000");
    process.exit(2);
  }
  console.log(`copying ${redactUrls(from)} → ${redactUrls(values.to)}`);
  console.log("migrating the target …");
  migrate(values.to, { quiet: true });
  await copyDatabase({
    from,
    to: values.to,
    force: values.force,
    batchSize,
    log: (line) => console.log(redactUrls(line)),
  });
}

main().catch((error: unknown) => {
  console.error(redactUrls(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
