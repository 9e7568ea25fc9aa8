/**
 * The app under test, started by playwright.config.ts: a fresh SQLite file, a production build (built if
 * missing, or always with E2E_BUILD=1), then the server as `npm start` runs it (scripts/start.ts) on E2E_APP_PORT
 * with a visible streaming delay. Email is on, sent to a real SMTP server in this process (testing/smtp-receiver.ts)
 * that writes each message it accepts to E2E_MAIL_DIR for the specs to read (e2e/mailbox.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrate } from "../scripts/db";
import { startSmtpReceiver, type SmtpReceiver } from "../testing/smtp-receiver";
import { E2E_IDENTITY_SECRET, E2E_INBOUND_DOMAIN, E2E_INBOUND_SECRET } from "./identity";
import { E2E_DIR, e2eDatabaseFile, e2eMailDir } from "./start-app-paths";

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

// The mail server the app sends to: every accepted message lands in mailDir as <count>.eml (specs poll it).
const mailDir = e2eMailDir(port);
rmSync(mailDir, { recursive: true, force: true });
mkdirSync(mailDir, { recursive: true });
let mailCount = 0;
void startSmtpReceiver({
  onReceived: (mail) =>
    writeFileSync(path.join(mailDir, `${String(++mailCount).padStart(5, "0")}.eml`), mail.raw),
}).then(startApp);

function startApp(smtp: SmtpReceiver): void {
  const nextBin = path.join("node_modules", ".bin", "next");
  if (process.env.E2E_BUILD === "1" || !existsSync(path.join(".next", "BUILD_ID"))) {
    const build = spawnSync(nextBin, ["build"], { stdio: "inherit" });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  const server = spawn(
    process.execPath,
    ["--import", "tsx", path.join("scripts", "start.ts"), "--no-build"],
    {
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
        // Lexical ranking only: the embedded sentence model's CPU is not what these specs are about.
        EMBEDDED_EMBEDDINGS: "off",
        // A question saying "(slowly)" is answered at 150 ms per delta (e2e/events.spec.ts reloads mid-reply).
        NODE_OPTIONS: [
          process.env.NODE_OPTIONS,
          `--import ${path.resolve("e2e", "slow-replies-preload.mjs")}`,
        ]
          .filter(Boolean)
          .join(" "),
        RATE_LIMITS: "off",
        // RATE_LIMITS does not turn off the sign-in limits: every spec signs the one admin in from one address.
        RATE_LIMIT_SIGN_IN_PER_IP: "200/60",
        RATE_LIMIT_SIGN_IN_PER_ACCOUNT_IP: "200/900",
        RATE_LIMIT_SIGN_IN_TOTAL: "1000/900",
        IDENTITY_SECRET: E2E_IDENTITY_SECRET,
        // Email on (docs/email.md). No other spec leaves an email, so only e2e/follow-up-email.spec.ts gets continuity
        // emails; agent alerts (to the e2e admin) land in the same mailbox and change nothing on the pages.
        SMTP_URL: smtp.url,
        MAIL_FROM: "Visitor chat e2e <support@e2e.example.com>",
        // Long enough for the agent in e2e/follow-up-email.spec.ts to write twice before the one email goes.
        EMAIL_CONTINUITY_DELAY_SECONDS: "15",
        INBOUND_EMAIL_DOMAIN: E2E_INBOUND_DOMAIN,
        INBOUND_EMAIL_SECRET: E2E_INBOUND_SECRET,
        PUBLIC_URL: `http://localhost:${port}`,
      },
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => {
    void smtp.close();
    process.exit(code ?? (signal ? 1 : 0));
  });
}
