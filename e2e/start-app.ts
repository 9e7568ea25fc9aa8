/**
 * The app under test, started by playwright.config.ts: a fresh SQLite file, a production build (built if
 * missing, or always with E2E_BUILD=1), then the server as `npm start` runs it (scripts/start.ts) on E2E_APP_PORT
 * with a visible streaming delay.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { migrate } from "../scripts/db";
import { E2E_IDENTITY_SECRET } from "./identity";
import { E2E_DIR, e2eDatabaseFile } from "./start-app-paths";

const port = process.env.E2E_APP_PORT ?? "3210";
const dir = E2E_DIR;
const file = e2eDatabaseFile(port);
mkdirSync(dir, { recursive: true });
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
const databaseUrl = `file:${file}`;
migrate(databaseUrl, { quiet: true });

// The admin that e2e/admin.spec.ts signs in as, created the way an operator does (password on stdin).
const createAdmin = spawnSync(
  path.join("node_modules", ".bin", "tsx"),
  ["scripts/admin-create.ts", "--email", process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@example.com"],
  {
    input: process.env.E2E_ADMIN_PASSWORD ?? "e2e admin password 2026",
    env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET_FILE: path.join(dir, "auth-secret") },
    stdio: ["pipe", "inherit", "inherit"],
  },
);
if (createAdmin.status !== 0) process.exit(createAdmin.status ?? 1);

const nextBin = path.join("node_modules", ".bin", "next");
if (process.env.E2E_BUILD === "1" || !existsSync(path.join(".next", "BUILD_ID"))) {
  const build = spawnSync(nextBin, ["build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "start.ts"), "--no-build"], {
  stdio: "inherit",
  // Rate limits are covered by tests/protection.test.ts; here many visitors come from one address.
  env: {
    ...process.env,
    PORT: port,
    DATABASE_URL: databaseUrl,
    AUTH_SECRET_FILE: path.join(dir, "auth-secret"),
    KNOWLEDGE_STREAM_DELAY_MS: "40",
    // The e2e tests ask about the sample articles (a fresh install starts empty; npm run demo seeds them too).
    KNOWLEDGE_DIR: "content/knowledge",
    // A question saying "(slowly)" is answered at 150 ms per delta (e2e/events.spec.ts reloads mid-reply).
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import ${path.resolve("e2e", "slow-replies-preload.mjs")}`]
      .filter(Boolean)
      .join(" "),
    RATE_LIMITS: "off",
    // RATE_LIMITS does not turn off the sign-in limits: every spec signs the one admin in from one address.
    RATE_LIMIT_SIGN_IN_PER_IP: "200/60",
    RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP: "200/900",
    RATE_LIMIT_SIGN_IN_TOTAL: "1000/900",
    IDENTITY_SECRET: E2E_IDENTITY_SECRET,
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
