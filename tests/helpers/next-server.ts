/**
 * Runs the production build (`next start`) on a free port against a database, without Vitest: used by the
 * HTTP suites (through server.ts) and by the benches under bench/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const TEST_ADMIN_API_KEY = "test-admin-key-0123456789abcdef";

export interface RunningServer {
  baseUrl: string;
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
}): Promise<RunningServer> {
  if (!existsSync(path.join(".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npx next build` (npm test does) before the HTTP suites.");
  }
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(
    path.join("node_modules", ".bin", "next"),
    ["start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: options.databaseUrl,
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
        KNOWLEDGE_STREAM_DELAY_MS: "2",
        RATE_LIMITS: "off",
        NEXT_TELEMETRY_DISABLED: "1",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/openapi.json`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    output: () => output,
    stop: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
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
