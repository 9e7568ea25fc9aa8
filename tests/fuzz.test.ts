/**
 * CI version of bench/fuzz.ts: 1,000 fast-check requests (fixed seed, so the same cases every run) across every
 * REST endpoint on one database. Property: never a 5xx; errors are the REST error envelope. No timings.
 * Then, on both databases, a bounded fuzz over every route of the server's own tables — REST (its OpenAPI
 * document), every tRPC procedure, the pages and route files of the build (pages, /admin, /help, /api/docs,
 * /api/auth, /api/metrics …) and Better Auth's endpoints — with bad percent-encoding and NUL bytes: 0 × 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  routeTablesOf,
  runEveryRouteFuzz,
  runFuzz,
  seedFuzzIds,
  send,
  violation,
  type FuzzIds,
} from "../bench/fuzz-core";
import { procedureMetaByPath } from "~/server/api/root";
import { describeEachServer } from "./helpers/server";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { startServer, type RunningServer } from "./helpers/server";

describe("REST fuzz [postgresql]", () => {
  let testDatabase: TestDatabase | undefined;
  let server: RunningServer | undefined;
  let ids: FuzzIds;
  const baseUrl = () => server?.baseUrl ?? "";

  beforeAll(async () => {
    testDatabase = await createTestDatabase("postgresql");
    server = await startServer({
      databaseUrl: testDatabase.url,
      env: { RATE_LIMITS: "off", KNOWLEDGE_STREAM_DELAY_MS: "0" },
    });
    ids = await seedFuzzIds(server.baseUrl, TEST_ADMIN_API_KEY);
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await testDatabase?.drop();
  });

  // Counterexamples the fuzzer found, kept as plain regression cases.
  it.each([
    ["GET", "/api/chats/visitors?toString=%7B%7D"],
    ["GET", "/api/chats/visitors/?constructor=1"],
    ["GET", "/api/chats/sessions/?visitor_id=00000000-0000-4000-8000-000000000000&hasOwnProperty=x"],
    ["GET", "/api/chats/sessions/?__proto__=x"],
    ["GET", "/api/chats/messages/chat/stream/"],
    ["DELETE", "/api/chats/messages/chat/stream"],
  ] as const)("%s %s is a 4xx envelope, not a 5xx or an empty answer", async (method, path) => {
    const answer = await send(baseUrl(), {
      method,
      path,
      headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
      endpoint: "regression",
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(violation(answer)).toBeUndefined();
  });

  // PostgreSQL cannot store U+0000: refused by validation (400), not failed at the insert (500).
  it.each([
    ["POST", "/api/chats/visitors/", (): object | undefined => ({ metadata: { note: "a\u0000b" } })],
    [
      "POST",
      "/api/chats/sessions/",
      (): object | undefined => ({ visitor_id: ids.visitorId, title: "\u0000" }),
    ],
    [
      "PATCH",
      `/api/chats/sessions/{session}/`,
      (): object | undefined => ({ visitor_id: ids.visitorId, title: "x\u0000" }),
    ],
    [
      "POST",
      "/api/chats/messages/chat/",
      (): object | undefined => ({
        message: "hi\u0000",
        session_id: ids.sessionId,
        visitor_id: ids.visitorId,
      }),
    ],
    [
      "POST",
      "/api/chats/messages/chat/stream/",
      (): object | undefined => ({
        message: "\u0000hi",
        session_id: ids.sessionId,
        visitor_id: ids.visitorId,
      }),
    ],
    ["GET", "/api/chats/visitors/?search=%00", (): object | undefined => undefined],
  ] as const)("%s %s with a NUL character is a 400 envelope", async (method, path, body) => {
    const payload = body();
    const answer = await send(baseUrl(), {
      method,
      path: path.replace("{session}", ids.sessionId),
      headers: {
        authorization: `Bearer ${TEST_ADMIN_API_KEY}`,
        ...(payload && { "content-type": "application/json" }),
      },
      body: payload && JSON.stringify(payload),
      endpoint: "regression",
    });
    expect(answer.status).toBe(400);
    expect(violation(answer)).toBeUndefined();
  });

  // Next.js would answer these itself with a plain 500 before any route runs; src/proxy.ts answers 400.
  it.each(["/api/chats/visitors/%zz/validate/", "/api/chats/sessions/%E0%A4%A/", "/api/chats/%/"])(
    "GET %s (malformed percent-escape) is a 400 envelope",
    async (path) => {
      const answer = await send(baseUrl(), { method: "GET", path, headers: {}, endpoint: "regression" });
      expect(answer.status).toBe(400);
      expect(violation(answer)).toBeUndefined();
    },
  );

  it("answers 1,000 generated requests without a 5xx, always in the envelope", async () => {
    const report = await runFuzz({ baseUrl: baseUrl(), ids, numRuns: 1000, seed: 20261125 });
    expect(report.cases).toBe(1000);
    // The generator reaches every endpoint and both kinds of answer.
    expect(report.byEndpoint.size).toBeGreaterThanOrEqual(14);
    expect([...report.byStatus.keys()].some((status) => status < 300)).toBe(true);
    expect([...report.byStatus.keys()].some((status) => status >= 400)).toBe(true);
  }, 120_000);
});

describeEachServer(
  "every route fuzz",
  (target) => {
    it.each([
      "/api/admin/visitors/%ff/",
      "/api/auth/%ff",
      "/api/docs/%ff",
      "/admin/%ff/",
      "/help/%ff",
      "/%E0%A4%A",
      "/api/chats/visitors/%zz/validate/",
      "/api/trpc/sessions.get%ff",
    ])("GET %s (invalid percent-encoding) is a 400, never a 5xx", async (path) => {
      const answer = await send(target().baseUrl, {
        method: "GET",
        path,
        headers: {},
        endpoint: "regression",
      });
      expect(answer.status).toBe(400);
      expect(answer.text).toContain("malformed %-escape");
    });

    it("a trailing slash on a tRPC path is the same procedure: the transport checks run (nothing stored)", async () => {
      const { baseUrl, database } = target();
      const ids = await seedFuzzIds(baseUrl, TEST_ADMIN_API_KEY);
      const before = await database.db.message.count();
      for (const path of ["messages.chatStream/", "messages.chatStream//"]) {
        const response = await fetch(`${baseUrl}/api/trpc/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ message: "stored?", session_id: ids.sessionId, visitor_id: ids.visitorId }),
        });
        expect(response.status, path).toBe(400);
        expect(await response.text()).toMatch(/stream/i);
      }
      expect(await database.db.message.count()).toBe(before);
      // The admin subscription's pre-auth runs on the slashed path too: a real 401, not an error inside a 200.
      const subscription = await fetch(`${baseUrl}/api/trpc/admin.inbox.events/`, {
        headers: { accept: "text/event-stream" },
      });
      expect(subscription.status).toBe(401);
      await subscription.body?.cancel();
    });

    it("answers every route of the route tables without a 5xx, bad percent-encoding and NUL included", async () => {
      const { baseUrl } = target();
      const ids = await seedFuzzIds(baseUrl, TEST_ADMIN_API_KEY);
      const appRoutes = JSON.parse(readFileSync(".next/app-path-routes-manifest.json", "utf8")) as Record<
        string,
        string
      >;
      const tables = await routeTablesOf(baseUrl, [...procedureMetaByPath.keys()], appRoutes);
      // Generated from the tables: every REST operation, every procedure, every page and route file.
      expect(tables.rest.length).toBeGreaterThan(40);
      expect(tables.trpc.length).toBe(procedureMetaByPath.size);
      expect(tables.pages).toEqual(
        expect.arrayContaining(["/admin/sessions/[id]", "/help/[article]", "/api/docs/[[...asset]]"]),
      );
      const report = await runEveryRouteFuzz({ baseUrl, ids, tables, numRuns: 1500, seed: 20261206 });
      console.info(
        `every-route fuzz: ${report.cases} requests, ${report.serverErrors} × 5xx; by kind ${JSON.stringify(Object.fromEntries(report.byKind))}`,
      );
      expect(report.failures).toEqual([]);
      expect(report.serverErrors).toBe(0);
      expect(report.cases).toBe(1500);
      for (const kind of ["rest", "trpc", "page", "auth"])
        expect(report.byKind.get(kind) ?? 0).toBeGreaterThan(50);
    }, 300_000);
  },
  { env: () => ({ RATE_LIMITS: "off", KNOWLEDGE_STREAM_DELAY_MS: "0" }) },
);
