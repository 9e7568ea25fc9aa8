/**
 * Logs and metrics (issue 15), against `npm start` (scripts/start.ts) on both databases:
 * - one JSON log line per request, with the request id returned as x-request-id (a trusted proxy's sane one kept);
 * - a full conversation and admin calls with planted secrets (admin API key, LLM API key, database password in the
 *   URL, cookie, message text, metadata value, the reply) and none of them in anything the server printed;
 * - /api/metrics parsed as Prometheus text: 401 without the token, counters that move, 404 when it is off.
 */
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { errorFields, redactSecrets } from "~/server/observability/logger";
import { registerRoutes, routeLabel, routeOf, UNMATCHED_ROUTE } from "~/server/observability/metrics";
import { isTrustedProxy, parseTrustedProxies } from "~/server/protection/client-address";
import { openDatabase, type Database } from "~/server/db/client";
import { ensureTestAdmin, sessionCookieOf, TEST_ADMIN } from "../testing/admin";
import { startFakeLlm, type FakeLlm } from "../testing/fake-llm";
import { ScriptedResponder } from "../testing/responders";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./helpers/databases";
import { startServer, type RunningServer } from "./helpers/server";
import { testDeps } from "./helpers/deps";

const PLANTED = {
  adminKey: "planted-admin-key-SECRET-7f3a9c1e5b",
  llmKey: "planted-llm-key-SECRET-2b8d4e6f",
  metricsToken: "planted-metrics-token-SECRET-0c9d",
  dbPassword: "PLANTED-DB-PASSWORD-41xz",
  cookie: "PLANTED-COOKIE-VALUE-88k2",
  message: "PLANTED-MESSAGE my card number is 4111 1111",
  metadata: "PLANTED-METADATA-VALUE-9c2e",
  reply: "PLANTED-REPLY-TEXT-5u7w",
};

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  method?: string;
  route?: string;
  status?: number;
  durationMs?: number;
}

function logLines(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

async function eventually<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/** A counter's or gauge's value for exactly these labels (0 when the series does not exist yet). */
function sample(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((candidate) => candidate.name === name);
  const match = family?.metrics.find((metric) =>
    Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value),
  );
  return match?.value === undefined ? 0 : Number(match.value);
}

/**
 * A histogram's `_count` for these labels, read from the exposition text: parse-prometheus-text-format merges
 * the label sets of a labelled histogram, so its buckets cannot be told apart there.
 */
function histogramCount(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    const match = new RegExp(`^${name}_count(?:\\{(.*)\\})? (\\S+)$`).exec(line);
    if (!match) continue;
    const found = Object.fromEntries(
      [...(match[1] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) total += Number(match[2]);
  }
  return total;
}

describe("logging and metrics helpers", () => {
  it("routeOf drops the query and replaces ids, so a visitor id (a credential) is never logged", () => {
    expect(routeOf("/api/chats/visitors/8d0f8a5e-7c0e-4f57-9b7c-0c1f2a3b4c5d/validate?x=1")).toBe(
      "/api/chats/visitors/:id/validate",
    );
    expect(routeOf("/api/chats/sessions/?visitor_id=secret&limit=5")).toBe("/api/chats/sessions/");
    expect(routeOf("/admin/sessions/cmabc123def456ghi789")).toBe("/admin/sessions/:id");
    expect(routeOf("/_next/static/chunks/abc.js")).toBe("/_next/*");
    expect(routeOf("/api/trpc/sessions.list,messages.list?batch=1&input=%7B%7D")).toBe(
      "/api/trpc/sessions.list,messages.list",
    );
  });

  it("metric route labels come only from the route table: junk paths share one label, ids are never labels", () => {
    registerRoutes([
      "/admin/sessions/[id]",
      "/api/chats/[[...path]]",
      "/api/chats/sessions/{id}/messages/",
      "/",
    ]);
    expect(
      routeLabel("/api/chats/sessions/8d0f8a5e-7c0e-4f57-9b7c-0c1f2a3b4c5d/messages/?visitor_id=x"),
    ).toBe("/api/chats/sessions/{id}/messages");
    expect(routeLabel("/admin/sessions/not-a-uuid-at-all")).toBe("/admin/sessions/[id]");
    expect(routeLabel("/api/chats/whatever/else")).toBe("/api/chats/[[...path]]");
    expect(routeLabel("/")).toBe("/");
    const junk = new Set(Array.from({ length: 320 }, (_, index) => routeLabel(`/wp-admin/${index}.php`)));
    expect([...junk]).toEqual([UNMATCHED_ROUTE]);
    // Real routes keep their labels after any amount of junk.
    expect(routeLabel("/admin/sessions/abc")).toBe("/admin/sessions/[id]");
  });

  it("an incoming request id is believed only from a trusted proxy", () => {
    expect(isTrustedProxy("127.0.0.1", parseTrustedProxies(""))).toBe(false);
    expect(isTrustedProxy("127.0.0.1", parseTrustedProxies("1"))).toBe(true);
    expect(isTrustedProxy("::ffff:10.1.2.3", parseTrustedProxies("10.0.0.0/8"))).toBe(true);
    expect(isTrustedProxy("192.0.2.1", parseTrustedProxies("10.0.0.0/8"))).toBe(false);
  });

  it("errorFields masks URL passwords and bearer tokens, and cuts a Prisma error to its last line", () => {
    const url = new Error(`connect failed: postgres://app:${PLANTED.dbPassword}@db:5432/chat`);
    expect(JSON.stringify(errorFields(url))).not.toContain(PLANTED.dbPassword);
    expect(redactSecrets(`Authorization: Bearer ${PLANTED.adminKey}`)).not.toContain(PLANTED.adminKey);
    class PrismaClientValidationError extends Error {
      override name = "PrismaClientValidationError";
    }
    const prisma = new PrismaClientValidationError(
      `Invalid \`prisma.message.create()\` invocation:\n{ data: { content: "${PLANTED.message}" } }\nArgument \`role\` is missing.`,
    );
    const fields = errorFields(prisma);
    expect(JSON.stringify(fields)).not.toContain(PLANTED.message);
    expect(fields).toMatchObject({
      type: "PrismaClientValidationError",
      message: "Argument `role` is missing.",
    });
  });
});

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

for (const dialect of dialectsUnderTest()) {
  describe(`logs and metrics over HTTP [${dialect}]`, () => {
    let testDatabase: TestDatabase;
    let database: Database;
    let server: RunningServer;
    let baseUrl: string;
    let visitorId: string;
    let sessionId: string;
    let sessionCookie = "";

    const metricsAuth = { authorization: `Bearer ${PLANTED.metricsToken}` };

    async function scrape(): Promise<{ text: string; families: PrometheusFamily[] }> {
      const response = await fetch(`${baseUrl}/api/metrics`, { headers: metricsAuth });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      return { text, families: parsePrometheusTextFormat(text) };
    }

    async function json<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
      const response = await fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) },
      });
      return { status: response.status, body: (await response.json()) as T };
    }

    beforeAll(async () => {
      testDatabase = await createTestDatabase(dialect);
      database = await openDatabase(testDatabase.url);
      const deps: ChatDeps = testDeps(database, { responder: new ScriptedResponder([]) });
      await ensureTestAdmin(deps);
      // PostgreSQL trusts local connections here, so any password connects: a planted one, to look for in the logs.
      let serverUrl = testDatabase.url;
      if (dialect === "postgresql") {
        const url = new URL(testDatabase.url);
        url.password = PLANTED.dbPassword;
        serverUrl = url.toString();
      }
      server = await startServer({
        databaseUrl: serverUrl,
        env: {
          ADMIN_API_KEY: PLANTED.adminKey,
          LLM_BASE_URL: fake.baseUrl,
          LLM_QUERY_REWRITE: "language",
          LLM_MODEL: "test-model",
          LLM_API_KEY: PLANTED.llmKey,
          LLM_MAX_RETRIES: "0",
          METRICS_TOKEN: PLANTED.metricsToken,
          // Everything the server can say, so anything it might leak is printed.
          LOG_LEVEL: "trace",
          TRUSTED_PROXIES: "127.0.0.1",
          RATE_LIMITS: "on",
          RATE_LIMIT_READ_PER_VISITOR: "3/600",
        },
      });
      baseUrl = server.baseUrl;
    }, 90_000);

    afterAll(async () => {
      await server?.stop();
      await database?.close();
      await testDatabase?.drop();
    });

    it("writes one JSON line per request with its id, which is returned as x-request-id", async () => {
      const generated = await fetch(`${baseUrl}/api/health`);
      const id = generated.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const line = await eventually(
        () => logLines(server.output()).find((entry) => entry.requestId === id),
        "the request's log line",
      );
      expect(line).toMatchObject({
        level: 30,
        msg: "request",
        method: "GET",
        route: "/api/health",
        status: 200,
      });
      expect(line.durationMs).toBeGreaterThanOrEqual(0);

      // From the trusted proxy (127.0.0.1 here), a sane incoming id is kept; an odd one is replaced.
      const kept = await fetch(`${baseUrl}/api/health`, { headers: { "x-request-id": "proxy-id.42:abc" } });
      expect(kept.headers.get("x-request-id")).toBe("proxy-id.42:abc");
      const odd = await fetch(`${baseUrl}/api/health`, {
        headers: { "x-request-id": "<script>alert(1)</script>" },
      });
      expect(odd.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

      // The query string is not logged, and an unknown route still gets its line and id.
      const missing = await fetch(`${baseUrl}/api/chats/nothing-here/?visitor_id=${PLANTED.cookie}`);
      expect(missing.status).toBe(404);
      const missingLine = await eventually(
        () =>
          logLines(server.output()).find((entry) => entry.requestId === missing.headers.get("x-request-id")),
        "the 404's log line",
      );
      expect(missingLine).toMatchObject({ route: "/api/chats/nothing-here/", status: 404 });
    });

    it("a full conversation and admin calls", async () => {
      fake.setDefault({ kind: "stream", chunks: [PLANTED.reply, " — more."] });
      const visitor = await json<{ data: { id: string } }>("/api/chats/visitors/", {
        method: "POST",
        headers: { cookie: `tracking=${PLANTED.cookie}` },
        body: JSON.stringify({
          metadata: { plan: PLANTED.metadata, page_url: "https://example.com/pricing" },
        }),
      });
      expect(visitor.status).toBe(201);
      visitorId = visitor.body.data.id;
      expect((await fetch(`${baseUrl}/api/chats/visitors/${visitorId}/validate/`)).status).toBe(200);
      const session = await json<{ data: { id: string } }>("/api/chats/sessions/", {
        method: "POST",
        body: JSON.stringify({ visitor_id: visitorId }),
      });
      sessionId = session.body.data.id;
      const chat = await json<{ data: { assistant_message: { content: string; status: string } } }>(
        "/api/chats/messages/chat/",
        {
          method: "POST",
          body: JSON.stringify({ visitor_id: visitorId, session_id: sessionId, message: PLANTED.message }),
        },
      );
      expect(chat.status).toBe(200);
      expect(chat.body.data.assistant_message).toMatchObject({ status: "complete" });
      expect(chat.body.data.assistant_message.content).toContain(PLANTED.reply);

      // The streamed chat (SSE), read to its end.
      const stream = await fetch(`${baseUrl}/api/chats/messages/chat/stream/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          visitor_id: visitorId,
          session_id: sessionId,
          message: `${PLANTED.message} again`,
        }),
      });
      expect(stream.status).toBe(200);
      expect(await stream.text()).toContain("event: done");

      // An upstream failure: the error is logged (safely), the visitor gets a 502.
      fake.queue({ kind: "status", status: 503, message: "upstream overloaded" });
      const failed = await json("/api/chats/messages/chat/", {
        method: "POST",
        body: JSON.stringify({ visitor_id: visitorId, session_id: sessionId, message: PLANTED.message }),
      });
      expect(failed.status).toBe(502);

      // The widget's transport: tRPC, its input (the visitor id) in the query string.
      const input = encodeURIComponent(JSON.stringify({ 0: { visitor_id: visitorId } }));
      const trpc = await fetch(`${baseUrl}/api/trpc/sessions.list?batch=1&input=${input}`);
      expect(trpc.status).toBe(200);
      expect(await trpc.text()).toContain(sessionId);

      const history = await json<{ data: { items: { content: string }[] } }>(
        `/api/chats/sessions/${sessionId}/messages/?visitor_id=${visitorId}`,
      );
      expect(history.body.data.items.map((item) => item.content)).toContain(PLANTED.message);
      // The LLM saw the message and the key: the planted values really went through the server.
      expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${PLANTED.llmKey}`);
      expect(JSON.stringify(fake.requests.at(-1)?.body.messages)).toContain(PLANTED.message);

      // Admin calls with the key, with a wrong key, and signed in with a cookie.
      const admin = { authorization: `Bearer ${PLANTED.adminKey}` };
      for (const path of [
        "/api/admin/dashboard",
        "/api/admin/sessions",
        `/api/admin/sessions/${sessionId}`,
        `/api/admin/visitors?search=${encodeURIComponent(PLANTED.metadata)}`,
      ]) {
        const response = await fetch(`${baseUrl}${path}`, { headers: admin });
        expect(response.status, path).toBe(200);
        await response.text();
      }
      const wrong = await fetch(`${baseUrl}/api/admin/sessions`, {
        headers: { authorization: `Bearer ${PLANTED.adminKey}-wrong` },
      });
      expect(wrong.status).toBe(401);
      const signIn = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseUrl },
        body: JSON.stringify(TEST_ADMIN),
      });
      expect(signIn.status).toBe(200);
      sessionCookie = sessionCookieOf(signIn);
      const page = await fetch(`${baseUrl}/admin/sessions/${sessionId}`, {
        headers: { cookie: sessionCookie },
      });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(PLANTED.message);
      const exported = await fetch(`${baseUrl}/api/admin/exports/sessions?format=csv`, {
        headers: { cookie: sessionCookie },
      });
      expect(exported.status).toBe(200);
      await exported.text();
    });

    it("/api/metrics needs the bearer token and counts requests, replies, LLM use, rejections and the pool", async () => {
      const anonymous = await json<{ success: boolean; code: string; message: string }>("/api/metrics");
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
      expect(anonymous.body.message).toMatch(/METRICS_TOKEN/);
      const wrong = await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);

      const health = { method: "GET", route: "/api/health", status: "200" };
      const before = await scrape();
      await (await fetch(`${baseUrl}/api/health`)).text();
      await (await fetch(`${baseUrl}/api/health`)).text();
      // A visitor over its read limit (3 in 10 minutes here): the 4th read is refused and counted.
      const reader = await json<{ data: { id: string } }>("/api/chats/visitors/", {
        method: "POST",
        body: "{}",
      });
      for (let read = 0; read < 4; read += 1) {
        await (await fetch(`${baseUrl}/api/chats/sessions/?visitor_id=${reader.body.data.id}`)).text();
      }
      const later = await scrape();

      expect(sample(later.families, "visitor_chat_http_requests_total", health)).toBeGreaterThanOrEqual(
        sample(before.families, "visitor_chat_http_requests_total", health) + 2,
      );
      expect(
        histogramCount(later.text, "visitor_chat_http_request_duration_seconds", health),
      ).toBeGreaterThanOrEqual(
        histogramCount(before.text, "visitor_chat_http_request_duration_seconds", health) + 2,
      );
      expect(
        sample(later.families, "visitor_chat_http_requests_total", {
          method: "GET",
          // The route table's pattern (the REST bridge's path), never the path as sent.
          route: "/api/chats/sessions",
          status: "429",
        }),
      ).toBe(1);
      expect(
        sample(later.families, "visitor_chat_rate_limit_rejections_total", { action: "readHistory" }),
      ).toBe(
        sample(before.families, "visitor_chat_rate_limit_rejections_total", { action: "readHistory" }) + 1,
      );
      // From the conversation above: two complete replies and one failed, all by the LLM.
      expect(
        sample(later.families, "visitor_chat_replies_total", { status: "complete", responder: "llm" }),
      ).toBe(2);
      expect(
        sample(later.families, "visitor_chat_replies_total", { status: "failed", responder: "llm" }),
      ).toBe(1);
      expect(sample(later.families, "visitor_chat_llm_tokens_total", { kind: "prompt" })).toBeGreaterThan(0);
      expect(sample(later.families, "visitor_chat_llm_tokens_total", { kind: "completion" })).toBeGreaterThan(
        0,
      );
      expect(histogramCount(later.text, "visitor_chat_llm_request_duration_seconds", { outcome: "ok" })).toBe(
        2,
      );
      expect(
        histogramCount(later.text, "visitor_chat_llm_request_duration_seconds", { outcome: "error" }),
      ).toBe(1);
      // Hooks for areas that add them (event streams, webhooks) are exported, at zero until used.
      expect(later.families.map((family) => family.name)).toEqual(
        expect.arrayContaining([
          "visitor_chat_open_event_streams",
          "visitor_chat_webhook_deliveries_total",
          "process_cpu_user_seconds_total",
          "nodejs_heap_size_used_bytes",
        ]),
      );
      const poolTotal = sample(later.families, "visitor_chat_db_pool_connections", { state: "total" });
      if (dialect === "postgresql") expect(poolTotal).toBeGreaterThan(0);
      else expect(poolTotal).toBe(0);
    });

    it("nothing the server printed carries a secret, a message, a metadata value, a cookie or a visitor id", async () => {
      await server.stop();
      const output = server.output();
      // The run was logged: request lines, the LLM failure, and no secret anywhere.
      expect(logLines(output).filter((line) => line.msg === "request").length).toBeGreaterThan(10);
      expect(logLines(output).some((line) => line.level >= 50 && /responder failed/.test(line.msg))).toBe(
        true,
      );
      const forbidden = [
        ...Object.values(PLANTED),
        "PLANTED",
        TEST_ADMIN.password,
        sessionCookie.split("=")[1]!.split(".")[0]!,
        visitorId,
      ];
      for (const secret of forbidden) expect(output, `the output contains ${secret}`).not.toContain(secret);
    });
  });
}

describe("/api/metrics when METRICS_TOKEN is unset", () => {
  let testDatabase: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    testDatabase = await createTestDatabase("sqlite");
    server = await startServer({ databaseUrl: testDatabase.url });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await testDatabase?.drop();
  });

  it("answers 404, as an unknown route, even with a bearer token", async () => {
    const response = await fetch(`${server.baseUrl}/api/metrics`, {
      headers: { authorization: "Bearer anything-at-all-0123456789" },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ success: false, code: "ROUTE_NOT_FOUND" });
  });
});
