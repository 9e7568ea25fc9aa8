/**
 * `npm start`: everything a fresh checkout needs to serve the app, then `next start`.
 * Applies pending migrations (creating ./data/visitor-chat.db on first run), builds if there is no build,
 * and hands signals to the server so Ctrl-C and `kill` stop it cleanly.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { DEFAULT_DATABASE_URL } from "../src/server/db/database-url";
import { migrate } from "./db";

// The same .env files `next start` reads, so the migrator and the server agree on DATABASE_URL.
loadEnvConfig(process.cwd());
const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const nextBin = path.join("node_modules", ".bin", "next");

migrate(databaseUrl);

if (!existsSync(path.join(".next", "BUILD_ID"))) {
  console.log("No production build yet: running next build (about a minute)…");
  const build = spawnSync(nextBin, ["build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(nextBin, ["start", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
