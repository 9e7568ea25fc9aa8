/**
 * What only some requests need is loaded by the first of them, never at start or by a visitor's conversation
 * (issue 24: the idle server's memory; docs/operations.md "Process and memory"). A real server per case, with a
 * preload that records every npm package the process loads (tests/helpers/module-probe.mjs); each case also checks
 * that the probe sees what the server does load, so an assertion that nothing was loaded cannot pass by accident.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Dialect } from "~/server/db/database-url";
import { createTestDatabase, dialectsUnderTest } from "./helpers/databases";
import { startServer } from "./helpers/server";

const work = mkdtempSync(path.join(tmpdir(), "first-use-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Libraries that only an admin, an import, an email, an LLM or Redis needs (docs/operations.md). */
const ONLY_SOME_REQUESTS = [
  "better-auth",
  "@better-auth/core",
  "kysely",
  "linkedom",
  "@mozilla/readability",
  "turndown",
  "unpdf",
  "ai",
  "@ai-sdk/openai-compatible",
  "mailparser",
  "email-reply-parser",
  "nodemailer",
  "@energetic-ai/embeddings",
];
const DRIVERS: Record<Dialect, string[]> = {
  sqlite: ["better-sqlite3", "@prisma/adapter-better-sqlite3"],
  postgresql: ["pg", "@prisma/adapter-pg"],
};

async function json(response: Response): Promise<{ data: Record<string, unknown> }> {
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as { data: Record<string, unknown> };
}

/** Starts a server with the probe, runs a visitor's conversation against it, and returns what it loaded. */
async function conversationLoads(dialect: Dialect, env: Record<string, string>): Promise<Set<string>> {
  const database = await createTestDatabase(dialect);
  const file = path.join(work, `${dialect}-${Object.keys(env).join("-") || "plain"}.txt`);
  const server = await startServer({
    databaseUrl: database.url,
    nodeArgs: ["--import", path.resolve("tests/helpers/module-probe.mjs")],
    env: { MODULE_PROBE_FILE: file, RATE_LIMITS: "on", EMBEDDED_EMBEDDINGS: "off", ...env },
  });
  try {
    const post = (url: string, body: unknown) =>
      fetch(`${server.baseUrl}${url}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const visitor = (await json(await post("/api/chats/visitors/", {}))).data;
    const session = (await json(await post("/api/chats/sessions/", { visitor_id: visitor.id }))).data;
    await json(
      await post("/api/chats/messages/chat/", {
        message: "How do I embed the widget on my site?",
        session_id: session.id,
        visitor_id: visitor.id,
      }),
    );
    // The visitor's event stream, opened and left.
    const controller = new AbortController();
    const stream = await fetch(
      `${server.baseUrl}/api/chats/sessions/${String(session.id)}/events/?visitor_id=${String(visitor.id)}`,
      { signal: controller.signal },
    );
    expect(stream.status).toBe(200);
    controller.abort();
    // The widget's own page and a tRPC call.
    expect((await fetch(`${server.baseUrl}/widget`)).status).toBe(200);
    const trpc = await fetch(`${server.baseUrl}/api/trpc/visitors.create`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(trpc.status).toBe(200);
  } finally {
    await server.stop();
    await database.drop();
  }
  // Next.js requires its externals through links named `<package>-<hash>` (.next/node_modules).
  return new Set(
    readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((name) => name.replace(/-[0-9a-f]{16}$/, "")),
  );
}

for (const dialect of dialectsUnderTest()) {
  describe(`libraries loaded on first use [${dialect}]`, () => {
    it("a visitor's conversation without REDIS_URL loads neither ioredis, the other database's driver nor what only admins, imports, email or an LLM need", async () => {
      const loaded = await conversationLoads(dialect, {});
      // What the conversation does need is seen by the probe.
      for (const name of ["next", "zod", "@trpc/server", "rate-limiter-flexible", ...DRIVERS[dialect]])
        expect([...loaded], name).toContain(name);
      const other = dialect === "sqlite" ? "postgresql" : "sqlite";
      for (const name of ["ioredis", ...DRIVERS[other], ...ONLY_SOME_REQUESTS])
        expect([...loaded], name).not.toContain(name);
    }, 120_000);

    it("with REDIS_URL, ioredis is loaded (the event bus and the rate limits share Redis)", async () => {
      const loaded = await conversationLoads(dialect, { REDIS_URL: "redis://127.0.0.1:6379" });
      expect([...loaded]).toContain("ioredis");
    }, 120_000);
  });
}
