/**
 * docs/deploy.md is executable: every command of its `sh` and `cron` blocks runs here, in order, against a local
 * stack — a fresh PostgreSQL database, Redis, the app started as `npm start` starts it, and the guide's own nginx
 * configuration in front of it with a self-signed certificate for chat.example.com — except the commands in
 * NOT_RUN (each with its reason). The guide's environment file must hold only variables the app knows, and its
 * nginx configuration must pass `nginx -t` and serve HSTS, the request id and a Secure admin cookie.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTestAdmin, TEST_ADMIN } from "../testing/admin";
import { freePort } from "../testing/next-server";
import { openDatabase } from "~/server/db/client";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { startServer, type RunningServer } from "./helpers/server";

const run = promisify(execFile);
const guide = readFileSync(path.join("docs", "deploy.md"), "utf8");

/** The commands the test does not run, and why. Each must still be in the guide (checked). */
const NOT_RUN: Record<string, string> = {
  "git clone https://example.com/your-fork/visitor-chat.git /srv/visitor-chat":
    "needs the network; the test runs in a checkout",
  "cd /srv/visitor-chat": "the test runs in a directory of its own that links to this checkout",
  "npm ci": "would reinstall the checkout's node_modules under the running tests (CI runs it)",
  "npm run build": "`npm test` builds once before the HTTP suites (and the server here uses that build)",
  "git pull": "needs the network and would change the checkout",
  "sudo systemctl daemon-reload":
    "needs root and systemd as PID 1; the unit is checked by systemd-analyze below",
  "sudo systemctl enable --now visitor-chat": "needs root and systemd as PID 1",
  "sudo systemctl restart visitor-chat": "needs root and systemd as PID 1",
};

function blocks(language: string): string[] {
  return [...guide.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map(
    (match) => match[1]!,
  );
}

/** Every sh and cron command, in the order the guide gives them. */
function guideCommands(): string[] {
  return [...guide.matchAll(/```(sh|cron)\n([\s\S]*?)```/g)].flatMap((match) =>
    match[1] === "sh" ? linesOf(match[2]!) : cronLines(match[2]!),
  );
}

function linesOf(block: string): string[] {
  return block
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

function shellCommands(): string[] {
  return blocks("sh")
    .flatMap((block) => block.split("\n"))
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** The command of each crontab line (after the five time fields), with cron's `\%` unescaped. */
function cronLines(block: string): string[] {
  return block
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      for (const field of fields.slice(0, 5)) expect(field).toMatch(/^(\*|\d+([-,]\d+)*)(\/\d+)?$/);
      return fields.slice(5).join(" ").replaceAll("\\%", "%");
    });
}

describe("docs/deploy.md, run against a local stack", () => {
  let work: string;
  let database: TestDatabase;
  let scratch: TestDatabase;
  let server: RunningServer;
  let nginx: ChildProcess | undefined;
  let nginxOutput = "";
  let tlsPort: number;
  const secrets = {
    METRICS_TOKEN: "deploy-guide-metrics-token-0123",
    BETTER_AUTH_SECRET: "deploy-guide-better-auth-secret-0123456789",
    ADMIN_PASSWORD: "deploy guide password 0123",
  };

  /** The guide's host names, pointed at the local stack. */
  function rewrite(command: string): string {
    return command
      .replaceAll("cd /srv/visitor-chat && ", "")
      .replaceAll("http://127.0.0.1:3000", server.baseUrl)
      .replaceAll("https://chat.example.com", `https://chat.example.com:${tlsPort}`)
      .replace(/\bcurl /g, `curl --resolve chat.example.com:${tlsPort}:127.0.0.1 `);
  }

  async function sh(command: string): Promise<{ stdout: string; stderr: string }> {
    return run("bash", ["-o", "pipefail", "-c", rewrite(command)], {
      cwd: work,
      timeout: 120_000,
      env: {
        ...process.env,
        ...secrets,
        DATABASE_URL: database.url,
        SCRATCH_DATABASE_URL: scratch.url,
        REDIS_URL: "redis://127.0.0.1:6379",
        // The browser's origin on port 443 (not rewritten like the URLs).
        PUBLIC_ORIGIN: "https://chat.example.com",
        CURL_CA_BUNDLE: path.join(work, "tls", "cert.pem"),
      },
    });
  }

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "deploy-guide-"));
    // A directory of its own (backups/, data/ land here), linking to this checkout's code.
    for (const entry of [
      "package.json",
      "node_modules",
      "scripts",
      "src",
      "prisma",
      "tsconfig.json",
      ".next",
    ])
      symlinkSync(path.resolve(entry), path.join(work, entry));
    database = await createTestDatabase("postgresql");
    scratch = await createTestDatabase("postgresql");
    server = await startServer({
      databaseUrl: database.url,
      env: {
        ...secrets,
        REDIS_URL: "redis://127.0.0.1:6379",
        TRUSTED_PROXIES: "127.0.0.1",
        BETTER_AUTH_URL: "https://chat.example.com",
        RATE_LIMITS: "on",
      },
    });

    // The guide's nginx configuration, with a self-signed certificate for chat.example.com and local ports.
    await run("mkdir", ["-p", path.join(work, "tls"), path.join(work, "nginx")]);
    await run("openssl", [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=chat.example.com"],
      ...["-addext", "subjectAltName=DNS:chat.example.com"],
      ...["-keyout", path.join(work, "tls", "key.pem"), "-out", path.join(work, "tls", "cert.pem")],
    ]);
    tlsPort = await freePort();
    const plainPort = await freePort();
    const site = blocks("nginx")[0]!
      .replace("server 127.0.0.1:3000;", `server ${new URL(server.baseUrl).host};`)
      .replace("listen 443 ssl http2;", `listen 127.0.0.1:${tlsPort} ssl http2;`)
      .replace("listen 80;", `listen 127.0.0.1:${plainPort};`)
      .replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${path.join(work, "tls", "cert.pem")};`)
      .replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${path.join(work, "tls", "key.pem")};`);
    const prefix = path.join(work, "nginx");
    const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
      .map((kind) => `${kind}_temp_path ${prefix}/${kind};`)
      .join("\n");
    writeFileSync(
      path.join(prefix, "nginx.conf"),
      `daemon off;\npid ${prefix}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\naccess_log off;\n${temp}\n${site}\n}\n`,
    );
    await run("nginx", ["-t", "-e", "stderr", "-p", prefix, "-c", path.join(prefix, "nginx.conf")]);
    nginx = spawn("nginx", ["-e", "stderr", "-p", prefix, "-c", path.join(prefix, "nginx.conf")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    nginx.stderr?.on("data", (chunk: Buffer) => (nginxOutput += chunk.toString()));
    for (let attempt = 0; attempt < 50; attempt += 1) {
      try {
        await sh("curl -fsS https://chat.example.com/api/health");
        break;
      } catch {
        if (attempt === 49) throw new Error(`nginx did not answer:\n${nginxOutput}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }, 120_000);

  afterAll(async () => {
    nginx?.kill("SIGTERM");
    await server?.stop();
    await database?.drop();
    await scratch?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("lists no command as not run that the guide does not have", () => {
    const commands = shellCommands();
    for (const skipped of Object.keys(NOT_RUN)) expect(commands, skipped).toContain(skipped);
  });

  it("every other sh and cron command runs and succeeds, in order", async () => {
    const ran: string[] = [];
    for (const command of guideCommands()) {
      if (command in NOT_RUN) continue;
      // The guide's backup commands write under backups/, which the guide makes first.
      const { stdout } = await sh(command).catch((error: Error & { stderr?: string; stdout?: string }) => {
        throw new Error(`${command}\n${error.message}\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
      });
      ran.push(command);
      if (command.startsWith("openssl rand -base64 32"))
        expect(stdout.trim()).toMatch(/^[A-Za-z0-9+/=]{44}$/);
      if (command.includes("strict-transport-security"))
        expect(stdout).toMatch(/strict-transport-security: max-age=31536000/i);
      if (command.includes("/api/metrics")) expect(Number(stdout.trim())).toBeGreaterThan(10);
      if (command.startsWith("redis-cli")) expect(stdout.trim()).toBe("PONG");
    }
    // Everything but NOT_RUN ran (the restore drill restored the backup cron's line made).
    expect(ran).toEqual(guideCommands().filter((command) => !(command in NOT_RUN)));
    expect(ran.some((command) => command.includes("db:restore"))).toBe(true);
    expect(ran.length).toBeGreaterThanOrEqual(12);
  }, 300_000);

  it("through the proxy: https as nginx says (the admin cookie is Secure), HSTS, and nginx's request id kept in the app's log", async () => {
    // (The guide's admin:create above may have set another password for this address.)
    const opened = await openDatabase(database.url);
    await ensureTestAdmin({ db: opened.db, dialect: opened.dialect });
    await opened.close();
    const { stdout } = await sh(
      `curl -sS -D - -H 'content-type: application/json' -H "origin: $PUBLIC_ORIGIN" ` +
        `--data '${JSON.stringify(TEST_ADMIN)}' https://chat.example.com/api/auth/sign-in/email`,
    );
    expect(stdout, stdout).toMatch(/^HTTP\/\S+ 200/);
    expect(stdout).toMatch(/^set-cookie: [^\n]*session_token=[^\n]*; Secure/im);
    const requestId = /^x-request-id: (\S+)/im.exec(stdout)?.[1];
    expect(requestId).toMatch(/^[0-9a-f]{32}$/); // nginx's $request_id, kept by the app
    // The app writes a request's line once the response is finished: it may reach this process a moment later.
    await expect.poll(() => server.output(), { timeout: 10_000 }).toContain(`"requestId":"${requestId}"`);
  });

  it("the app started without a warning from Node (e.g. a listener added per rate limiter to one Redis client)", () => {
    expect(server.output()).not.toMatch(/Warning: /);
  });

  it("the environment file holds only variables the app knows", () => {
    const known = readFileSync(path.join("src", "env.ts"), "utf8");
    const names = blocks("ini")
      .find((block) => block.includes("DATABASE_URL="))!
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split("=")[0]!);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names.filter((name) => !["NODE_ENV", "PORT", "HOSTNAME"].includes(name)))
      expect(known, name).toMatch(new RegExp(`^  ${name}:`, "m"));
  });

  it("the systemd unit runs what npm start runs, with its environment, without npm", () => {
    const unit = blocks("ini").find((block) => block.includes("[Service]"))!;
    const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts
      .start;
    // package.json: `A=1 B=2 exec node scripts/start.mjs`.
    const words = start.split(/\s+/);
    const assignments = words.filter((word) => /^[A-Z_][A-Z0-9_]*=/.test(word));
    const command = words.slice(words.indexOf("node") + 1).join(" ");
    expect(assignments.length).toBeGreaterThan(0);
    expect(unit).toMatch(new RegExp(`^Environment=${assignments.join(" ")}$`, "m"));
    expect(unit).toMatch(new RegExp(`^ExecStart=/usr/bin/node ${command}$`, "m"));
  });

  it("the systemd unit passes systemd-analyze verify", async () => {
    const unit = blocks("ini").find((block) => block.includes("[Service]"))!;
    const dir = path.join(work, "systemd");
    await run("mkdir", ["-p", dir]);
    // The guide's paths, pointed at this machine: the user, checkout and environment file exist here.
    const file = path.join(dir, "visitor-chat.service");
    writeFileSync(
      file,
      unit
        .replace(/^User=.*$/m, `User=${process.getuid?.() === 0 ? "root" : (process.env.USER ?? "root")}`)
        .replace("WorkingDirectory=/srv/visitor-chat", `WorkingDirectory=${work}`)
        .replace("EnvironmentFile=/etc/visitor-chat.env", `EnvironmentFile=-${path.join(work, "env")}`)
        .replace("ExecStart=/usr/bin/node ", `ExecStart=${process.execPath} `),
    );
    const result = await run("systemd-analyze", ["verify", "--man=no", file]).catch(
      (error: Error & { stderr?: string }) => ({ stdout: "", stderr: error.stderr ?? error.message }),
    );
    // Units it names in After=/Wants= may be absent on this machine; nothing about this unit may be wrong.
    const problems = result.stderr
      .split("\n")
      .filter(
        (line) =>
          line.includes("visitor-chat.service") &&
          !/not found|Failed to (load|add dependency)|not loaded/i.test(line),
      );
    expect(problems).toEqual([]);
  });
});
