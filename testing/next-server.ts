/**
 * Runs the production build on a free port against a database, started the way production starts it
 * (`npm start`: scripts/start.mjs running scripts/start.ts compiled; migrations, then Next.js inside the server that resolves client addresses),
 * without Vitest: used by the HTTP suites (through tests/helpers/server.ts) and by the benches under bench/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { TEST_ADMIN_API_KEY } from "./test-env";

export interface RunningServer {
  baseUrl: string;
  /** The server process (e.g. to send it a signal a test preload listens to). */
  pid: number;
  /** SIGTERM, then SIGKILL if the server has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** kill -9: no shutdown hooks, nothing drained (a crash or an OOM kill). */
  kill(): Promise<void>;
  output(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export async function startServer(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Node.js flags for the server process (e.g. `--expose-gc`, `--import` of a test-only preload). */
  nodeArgs?: string[];
  /** Another checkout to run (built), e.g. a bench's before/after pair; default the current directory. */
  cwd?: string;
  /** The port to listen on; default a free one. */
  port?: number;
}): Promise<RunningServer> {
  const cwd = options.cwd ?? ".";
  if (!existsSync(path.join(cwd, ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npx next build` (npm test does) before the HTTP suites.");
  }
  const port = options.port ?? (await freePort());
  let output = "";
  // npm start's own launcher (scripts/start.mjs: start.ts compiled, no TypeScript loader), without npm.
  // --no-build: built once above; several test servers must not rebuild at once.
  const start = [...(options.nodeArgs ?? []), path.join("scripts", "start.mjs"), "--no-build"];
  const child: ChildProcess = spawn(process.execPath, start, {
    cwd,
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
      KNOWLEDGE_STREAM_DELAY_MS: "2",
      // The HTTP suites ask questions about the sample articles (a fresh install starts empty).
      KNOWLEDGE_DIR: "content/knowledge",
      RATE_LIMITS: "off",
      NEXT_TELEMETRY_DISABLED: "1",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/openapi.json`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    pid: child.pid!,
    output: () => output,
    stop: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        // A child ended by a signal has signalCode set and exitCode null: it has exited all the same.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), graceMs).unref();
      }),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
