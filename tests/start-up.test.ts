/**
 * `npm start` (scripts/start.ts) on a bad setting and on a stale build.
 * A bad environment used to print "Ready", then "Invalid environment…", and leave a server answering 500 to
 * every route: now the process exits non-zero with the message before it listens.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildState } from "../scripts/build-freshness";
import { freePort } from "../testing/next-server";

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join("scripts", "start.ts"), "--no-build"],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const temp = mkdtempSync(path.join(os.tmpdir(), "visitor-chat-start-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("npm start with a bad setting", { timeout: 90_000 }, () => {
  it("LLM_BASE_URL without LLM_MODEL: exits non-zero with the message, and nothing listens", async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: `file:${path.join(temp, "bad-env.db")}`,
      LLM_BASE_URL: "http://127.0.0.1:9/v1",
    };
    delete env.LLM_MODEL;
    const { code, output } = await run(env);
    expect(code).not.toBe(0);
    expect(output).toContain("Invalid environment");
    expect(output).toContain("LLM_MODEL is required when LLM_BASE_URL is set");
    expect(output).not.toContain("ready on");
    expect(await listening(port)).toBe(false);
  });
});

describe("npm start's output", { timeout: 90_000 }, () => {
  it("is JSON lines, with NODE_ENV unset as an operator runs it: migrations, Next.js' notices, ready, requests", async () => {
    if (!existsSync(path.join(".next", "BUILD_ID")))
      throw new Error("No production build: run `npx next build` first.");
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: `file:${path.join(temp, "json-lines.db")}`,
      NEXT_TELEMETRY_DISABLED: "1",
    };
    Reflect.deleteProperty(env, "NODE_ENV");
    delete env.LOG_LEVEL;
    // What `npm start` runs (package.json: exec node scripts/start.mjs), without npm's own two-line banner.
    const child = spawn(process.execPath, [path.join("scripts", "start.mjs"), "--no-build"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      let ready = false;
      for (let waited = 0; !ready && waited < 60_000; waited += 200) {
        ready = await fetch(`http://127.0.0.1:${port}/api/health`).then(
          (response) => response.ok,
          () => false,
        );
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(ready, stdout + stderr).toBe(true);
      // The request's line is written once its response has finished: wait for it (a loaded machine is slow).
      for (let waited = 0; !stdout.includes('"msg":"request"') && waited < 10_000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
    const lines = stdout.split("\n").filter((line) => line.trim() !== "");
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    expect(stderr).toBe("");
    for (const line of parsed) {
      expect(typeof line.level).toBe("number");
      expect(typeof line.time).toBe("string");
      expect(line.service).toBe("visitor-chat");
    }
    expect(parsed.find((line) => line.msg === "database migrated")?.migrations).toEqual(
      expect.arrayContaining([expect.stringMatching(/_init\.sql$/)]),
    );
    expect(parsed.some((line) => String(line.msg).startsWith("Visitor Chat ready on"))).toBe(true);
    expect(parsed).toContainEqual(
      expect.objectContaining({ msg: "request", route: "/api/health", status: 200, method: "GET" }),
    );
  });
});

describe("the build freshness check of npm start", () => {
  function project(): string {
    const root = mkdtempSync(path.join(temp, "project-"));
    mkdirSync(path.join(root, "src", "app"), { recursive: true });
    mkdirSync(path.join(root, ".next"));
    writeFileSync(path.join(root, "src", "app", "page.tsx"), "export default 1;\n");
    writeFileSync(path.join(root, "package-lock.json"), "{}\n");
    return root;
  }
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it("no build → missing; a build newer than every source → fresh", () => {
    const root = project();
    expect(buildState(root)).toEqual({ kind: "missing" });
    writeFileSync(path.join(root, ".next", "BUILD_ID"), "x");
    at(path.join(root, "src", "app", "page.tsx"), 1_000);
    at(path.join(root, "package-lock.json"), 1_000);
    at(path.join(root, ".next", "BUILD_ID"), 2_000);
    expect(buildState(root)).toEqual({ kind: "fresh" });
  });

  it("a source or the lock file edited after the build → stale, naming the file", () => {
    const root = project();
    writeFileSync(path.join(root, ".next", "BUILD_ID"), "x");
    at(path.join(root, "package-lock.json"), 1_000);
    at(path.join(root, ".next", "BUILD_ID"), 2_000);
    at(path.join(root, "src", "app", "page.tsx"), 3_000);
    expect(buildState(root)).toEqual({ kind: "stale", changed: path.join("src", "app", "page.tsx") });
    at(path.join(root, "src", "app", "page.tsx"), 1_000);
    at(path.join(root, "package-lock.json"), 3_000);
    expect(buildState(root)).toEqual({ kind: "stale", changed: "package-lock.json" });
  });
});
