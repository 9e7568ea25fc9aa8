/**
 * /api/trpc's bounds over real HTTP (next start): body size, batch size, rate limits on every call of a batch
 * and as a real 429 before a stream starts, streamed procedures only over a streaming link, a malformed path,
 * nosniff, the admin Origin check, and Retry-After on a 503.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/server/db/client";
import { getOpenApiDocument } from "~/server/rest/openapi";
import { TEST_ADMIN, ensureTestAdmin, sessionCookieOf } from "../testing/admin";
import { ScriptedResponder } from "../testing/responders";
import { startTcpProxy, type TcpProxy } from "../testing/tcp-proxy";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./helpers/databases";
import { describeEachServer, startServer, type RunningServer } from "./helpers/server";

interface TrpcError {
  error: { message: string; data: { code: string; httpStatus: number; domainCode: string | null } };
}

const JSON_HEADERS = { "content-type": "application/json" };

describeEachServer(
  "tRPC bounds over HTTP",
  (target) => {
    const url = (path: string) => `${target().baseUrl}/api/trpc/${path}`;

    async function call(path: string, input: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(url(path), {
        method: "POST",
        headers: { ...JSON_HEADERS, ...headers },
        body: JSON.stringify(input),
      });
      return { response, body: (await response.json()) as unknown };
    }

    async function conversation() {
      const visitor = await call("visitors.create", {});
      const visitorId = (visitor.body as { result: { data: { id: string } } }).result.data.id;
      const session = await call("sessions.create", { visitor_id: visitorId });
      const sessionId = (session.body as { result: { data: { id: string } } }).result.data.id;
      return { visitor_id: visitorId, session_id: sessionId };
    }

    it("refuses a body over 64 KB with 413 in tRPC's shape, by Content-Length and while reading a chunked body", async () => {
      const big = { metadata: { padding: "x".repeat(100 * 1024) } };
      const declared = await call("visitors.create", big);
      expect(declared.response.status).toBe(413);
      expect((declared.body as TrpcError).error.data.code).toBe("PAYLOAD_TOO_LARGE");
      expect((declared.body as TrpcError).error.message).toBe("The request body is larger than 64 KB.");

      const chunk = new TextEncoder().encode(`{"metadata":{"padding":"${"x".repeat(16 * 1024)}`);
      let sent = 0;
      const chunked = await fetch(url("visitors.create"), {
        method: "POST",
        headers: JSON_HEADERS,
        // No Content-Length: the server counts the bytes as they arrive (a 50 MB stream, if it kept reading).
        body: new ReadableStream({
          pull(controller) {
            if (sent++ > 3200) controller.close();
            else controller.enqueue(chunk);
          },
        }),
        duplex: "half",
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(((await chunked.json()) as TrpcError).error.data.code).toBe("PAYLOAD_TOO_LARGE");
    });

    it("refuses a batch of more than 10 calls with 400 and says how many fit", async () => {
      const ids = await conversation();
      const paths = Array.from({ length: 11 }, () => "sessions.rename").join(",");
      const inputs = Object.fromEntries(
        Array.from({ length: 11 }, (_, index) => [
          index,
          { id: ids.session_id, visitor_id: ids.visitor_id, title: "t" },
        ]),
      );
      const { response, body } = await call(`${paths}?batch=1`, inputs);
      expect(response.status).toBe(400);
      expect((body as TrpcError).error.message).toMatch(/at most 10 calls \(this one has 11\)/);
      const stored = await target().database.db.session.findUniqueOrThrow({ where: { id: ids.session_id } });
      expect(stored.title).not.toBe("t");
    });

    it("counts every call of a batch against the rate limits (session changes: 3 a minute here)", async () => {
      const ids = await conversation();
      const paths = Array.from({ length: 5 }, () => "sessions.rename").join(",");
      const inputs = Object.fromEntries(
        Array.from({ length: 5 }, (_, index) => [
          index,
          { id: ids.session_id, visitor_id: ids.visitor_id, title: `title ${index}` },
        ]),
      );
      const { body } = await call(`${paths}?batch=1`, inputs);
      const codes = (body as Array<{ result?: unknown; error?: TrpcError["error"] }>).map(
        (item) => item.error?.data.code ?? "OK",
      );
      expect(codes).toEqual(["OK", "OK", "OK", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
    });

    it("answers a spent limit of a streamed call with a real 429 and its headers, before any stream", async () => {
      const ids = await conversation();
      const stream = (message: string) =>
        fetch(url("messages.chatStream?batch=1"), {
          method: "POST",
          headers: { ...JSON_HEADERS, "trpc-accept": "application/jsonl" },
          body: JSON.stringify({ 0: { ...ids, message } }),
        });
      const first = await stream("hello");
      expect(first.status).toBe(200);
      await first.text();
      const second = await stream("again");
      expect(second.status).toBe(429);
      expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(second.headers.get("ratelimit-limit")).toBe("1");
      expect(second.headers.get("ratelimit-policy")).toBe("1;w=60");
      const body = (await second.json()) as TrpcError;
      expect(body.error.data.code).toBe("TOO_MANY_REQUESTS");
      expect(body.error.message).toMatch(/Too many requests: please wait \d+ s/);
      // Consumed once, not again inside: the session holds the first turn only.
      const stored = await target().database.db.message.count({ where: { session_id: ids.session_id } });
      expect(stored).toBe(2);
    });

    it("refuses chatStream without a streaming link before storing anything", async () => {
      const ids = await conversation();
      const single = await call("messages.chatStream", { ...ids, message: "hello" });
      expect(single.response.status).toBe(400);
      expect((single.body as TrpcError).error.message).toMatch(
        /^messages\.chatStream streams its reply and needs httpBatchStreamLink .*messages\.chat/,
      );
      const batched = await call("messages.chatStream?batch=1", { 0: { ...ids, message: "hello" } });
      expect(batched.response.status).toBe(400);
      const retry = await call("messages.retryStream", { id: ids.session_id, visitor_id: ids.visitor_id });
      expect(retry.response.status).toBe(400);
      expect(await target().database.db.message.count({ where: { session_id: ids.session_id } })).toBe(0);
    });

    it("answers a malformed %-escape with a JSON 400 in tRPC's shape", async () => {
      const response = await fetch(`${target().baseUrl}/api/trpc/sessions.list%E0%A4%A`);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      const body = (await response.json()) as TrpcError;
      expect(body.error.data.code).toBe("BAD_REQUEST");
      expect(body.error.message).toBe("The URL path has a malformed %-escape.");
    });

    it("sends nosniff on tRPC, health, ready, the OpenAPI document and embed.js", async () => {
      for (const path of [
        "/api/trpc/sessions.list",
        "/api/health",
        "/api/ready",
        "/api/openapi.json",
        "/embed.js",
      ]) {
        const response = await fetch(`${target().baseUrl}${path}`);
        await response.arrayBuffer();
        expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      }
    });

    it("limits reading lists and stopping replies too (REST and tRPC)", async () => {
      const ids = await conversation();
      const statuses: number[] = [];
      for (let index = 0; index < 4; index += 1) {
        const response = await fetch(`${target().baseUrl}/api/chats/sessions/?visitor_id=${ids.visitor_id}`);
        statuses.push(response.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const input = encodeURIComponent(JSON.stringify({ id: ids.session_id, visitor_id: ids.visitor_id }));
      const listed = await fetch(url(`messages.list?input=${input}`));
      expect(listed.status).toBe(429);
      expect(listed.headers.get("retry-after")).toBeTruthy();
    });

    describe("admin changes with the sign-in cookie", () => {
      let cookie: string;
      beforeAll(async () => {
        const { db, dialect } = target().database;
        await ensureTestAdmin({ db, dialect, responder: new ScriptedResponder([]) } as never);
        const response = await fetch(`${target().baseUrl}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { ...JSON_HEADERS, origin: target().baseUrl },
          body: JSON.stringify(TEST_ADMIN),
        });
        expect(response.status).toBe(200);
        cookie = sessionCookieOf(response);
      });

      it("refuses one from another site (Origin or Sec-Fetch-Site) with 403", async () => {
        const evil = await call(
          "admin.apiKeys.create",
          { name: "csrf" },
          { cookie, origin: "https://evil.example" },
        );
        expect(evil.response.status).toBe(403);
        expect((evil.body as TrpcError).error.message).toMatch(/must come from this app's own pages/);
        const crossSite = await call(
          "admin.apiKeys.create",
          { name: "csrf" },
          { cookie, origin: target().baseUrl, "sec-fetch-site": "cross-site" },
        );
        expect(crossSite.response.status).toBe(403);
        expect(await target().database.db.apiKey.count({ where: { name: "csrf" } })).toBe(0);
      });

      it("accepts one from the app's own pages", async () => {
        const own = await call(
          "admin.apiKeys.create",
          { name: "own" },
          { cookie, origin: target().baseUrl, "sec-fetch-site": "same-origin" },
        );
        expect(own.response.status).toBe(200);
      });

      it("does not apply to bearer-key calls (no cookie)", async () => {
        const keyed = await call(
          "admin.apiKeys.create",
          { name: "keyed" },
          { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, origin: "https://evil.example" },
        );
        // Refused for being a key (only a signed-in admin manages keys), not for the Origin.
        expect(keyed.response.status).toBe(403);
        expect((keyed.body as TrpcError).error.message).toMatch(/a bearer key cannot create or revoke keys/);
        const query = await fetch(url("admin.dashboard?input=%7B%7D"), {
          headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, origin: "https://evil.example" },
        });
        expect(query.status).not.toBe(403);
      });
    });
  },
  {
    env: () => ({
      RATE_LIMITS: "on",
      RATE_LIMIT_VISITOR_CREATE_PER_IP: "1000/60",
      RATE_LIMIT_VISITOR_CREATE_PER_NETWORK: "1000/60",
      RATE_LIMIT_SESSION_CHANGE_PER_VISITOR: "3/60",
      RATE_LIMIT_MESSAGE_PER_SESSION: "1/60",
      RATE_LIMIT_READ_PER_VISITOR: "3/60",
    }),
  },
);

describe("the new limits in the OpenAPI document", () => {
  it("documents 429 for listing, renaming, deleting and stopping", () => {
    const paths = getOpenApiDocument().paths as Record<string, Record<string, { responses: object }>>;
    for (const [path, method] of [
      ["/chats/sessions", "get"],
      ["/chats/sessions/{id}", "patch"],
      ["/chats/sessions/{id}", "delete"],
      ["/chats/sessions/{id}/messages", "get"],
      ["/chats/messages/{id}/stop", "post"],
    ] as const) {
      const operation = paths[`/api${path}/`]?.[method];
      expect(operation?.responses, `${method} ${path}`).toHaveProperty("429");
    }
  });
});

describe.runIf(dialectsUnderTest().includes("postgresql"))("tRPC with the database down [postgresql]", () => {
  let testDatabase: TestDatabase | undefined;
  let database: Database | undefined;
  let proxy: TcpProxy | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    testDatabase = await createTestDatabase("postgresql");
    database = await openDatabase(testDatabase.url);
    const direct = new URL(testDatabase.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(testDatabase.url);
    proxied.port = String(proxy.port);
    server = await startServer({ databaseUrl: proxied.toString() });
  }, 90_000);
  afterAll(async () => {
    await server?.kill();
    await proxy?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  it("answers 503 with Retry-After, as the REST bridge does", async () => {
    await proxy!.cut();
    const response = await fetch(`${server!.baseUrl}/api/trpc/visitors.create`, {
      method: "POST",
      headers: JSON_HEADERS,
      body: "{}",
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(((await response.json()) as TrpcError).error.data.code).toBe("SERVICE_UNAVAILABLE");
  }, 60_000);
});
