import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "pg";
import { openDatabase } from "~/server/db/client";
import { contentSecurityPolicy, corsHeaders, pageKind } from "~/server/protection/security-headers";
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from "./helpers/databases";
import { startServer, type RunningServer } from "./helpers/server";

async function post(baseUrl: string, path: string, json: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(json),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("security policy (unit)", () => {
  const config = {
    widgetAllowedOrigins: "https://shop.example",
    corsAllowedOrigins: ["https://app.example"],
    development: false,
  };
  it("lets only the configured sites frame the widget, and nothing else be framed cross-site", () => {
    expect(pageKind("/widget")).toBe("widget");
    expect(contentSecurityPolicy("widget", "n", config)).toContain(
      "frame-ancestors 'self' https://shop.example",
    );
    expect(contentSecurityPolicy("page", "n", config)).toContain("frame-ancestors 'self'");
    expect(contentSecurityPolicy("page", "n", config)).toContain(
      "script-src 'self' 'nonce-n' 'strict-dynamic'",
    );
    expect(contentSecurityPolicy("widget", "n", { ...config, widgetAllowedOrigins: "*" })).toContain(
      "frame-ancestors *",
    );
  });
  it("answers CORS only for allowed origins", () => {
    expect(corsHeaders("https://app.example", config)?.["access-control-allow-origin"]).toBe(
      "https://app.example",
    );
    expect(corsHeaders("https://evil.example", config)).toBeNull();
    expect(corsHeaders(null, config)).toBeNull();
  });
});

describe("protection over HTTP (next start, SQLite)", () => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    server = await startServer({
      databaseUrl: database.url,
      env: {
        RATE_LIMITS: "on",
        TRUSTED_PROXIES: "1",
        RATE_LIMIT_VISITOR_CREATE_PER_IP: "3/60",
        RATE_LIMIT_MESSAGE_PER_SESSION: "2/60",
        RATE_LIMIT_VALIDATE_PER_VISITOR: "3/60",
        RATE_LIMIT_READ_PER_VISITOR: "3/60",
        RATE_LIMIT_WIDGET_CONFIG_PER_IP: "3/60",
        RATE_LIMIT_IDENTIFY_PER_VISITOR: "3/60",
        CORS_ALLOWED_ORIGINS: "https://app.example",
        WIDGET_ALLOWED_ORIGINS: "https://shop.example",
      },
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it("limits visitor creation per IP with 429, Retry-After and RateLimit headers, on REST and tRPC", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      // Behind a proxy (which appends the real address, here 192.0.2.10), a forged entry changes nothing.
      const forwarded = { "x-forwarded-for": `198.51.100.${index}, 192.0.2.10` };
      statuses.push((await post(server.baseUrl, "/api/chats/visitors/", {}, forwarded)).status);
    }
    expect(statuses).toEqual([201, 201, 201]);
    const limited = await post(
      server.baseUrl,
      "/api/chats/visitors/",
      {},
      { "x-forwarded-for": "192.0.2.10" },
    );
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, code: "RATE_LIMITED" });
    expect(String(limited.body.message)).toMatch(/Too many requests: please wait \d+ s/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("ratelimit-limit")).toBe("3");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("ratelimit-policy")).toBe("3;w=60");

    const trpc = await post(
      server.baseUrl,
      "/api/trpc/visitors.create",
      {},
      { "x-forwarded-for": "192.0.2.10" },
    );
    expect(trpc.status).toBe(429);
    expect(trpc.headers.get("retry-after")).toBeTruthy();
    expect(JSON.stringify(trpc.body)).toContain("TOO_MANY_REQUESTS");
  });

  it("limits visitor validation, session reads, the widget's settings and identify per visitor (REST and tRPC)", async () => {
    const from = { "x-forwarded-for": "192.0.2.77" };
    const visitor = await post(server.baseUrl, "/api/chats/visitors/", {}, from);
    expect(visitor.status).toBe(201);
    const visitorId = (visitor.body.data as { id: string }).id;
    const session = await post(server.baseUrl, "/api/chats/sessions/", { visitor_id: visitorId }, from);
    const sessionId = (session.body.data as { id: string }).id;
    const statuses = async (url: string, times: number, init: RequestInit = {}) => {
      const got: number[] = [];
      for (let index = 0; index < times; index += 1)
        got.push((await fetch(`${server.baseUrl}${url}`, { ...init, headers: from })).status);
      return got;
    };
    const trpcInput = (input: unknown) => encodeURIComponent(JSON.stringify(input));
    // validate: 3 a minute per visitor, REST and tRPC counting together.
    expect(await statuses(`/api/chats/visitors/${visitorId}/validate/`, 2)).toEqual([200, 200]);
    expect(await statuses(`/api/trpc/visitors.validate?input=${trpcInput({ id: visitorId })}`, 2)).toEqual([
      200, 429,
    ]);
    // one session read: REST GET /api/chats/sessions/{id}/ and tRPC sessions.get.
    const owned = `visitor_id=${visitorId}`;
    expect(await statuses(`/api/chats/sessions/${sessionId}/?${owned}`, 2)).toEqual([200, 200]);
    const get = `/api/trpc/sessions.get?input=${trpcInput({ id: sessionId, visitor_id: visitorId })}`;
    expect(await statuses(get, 2)).toEqual([200, 429]);
    // the widget's settings: 3 a minute per address.
    expect(await statuses("/api/chats/widget/", 3)).toEqual([200, 200, 200]);
    expect(await statuses("/api/trpc/widget.config", 1)).toEqual([429]);
    // identify: 3 a minute per visitor, whatever address it comes from.
    const identified: number[] = [];
    for (let index = 0; index < 4; index += 1)
      identified.push(
        (
          await post(
            server.baseUrl,
            `/api/chats/visitors/${visitorId}/identify/`,
            { name: `Ada ${index}` },
            { "x-forwarded-for": `192.0.2.${100 + index}` },
          )
        ).status,
      );
    expect(identified).toEqual([200, 200, 200, 429]);
  });

  it("limits messages per session on every chat transport (REST, SSE)", async () => {
    // Visitor creation is exhausted for this address by the test above: reuse a stored visitor.
    const db = await openDatabase(database.url);
    try {
      const visitor = await db.db.visitor.findFirstOrThrow();
      const session = await post(server.baseUrl, "/api/chats/sessions/", { visitor_id: visitor.id });
      expect(session.status).toBe(201);
      const ids = { visitor_id: visitor.id, session_id: (session.body.data as { id: string }).id };
      expect(
        (await post(server.baseUrl, "/api/chats/messages/chat/", { ...ids, message: "one" })).status,
      ).toBe(200);
      const stream = await fetch(`${server.baseUrl}/api/chats/messages/chat/stream/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...ids, message: "two" }),
      });
      expect(stream.status).toBe(200);
      await stream.text();
      const third = await fetch(`${server.baseUrl}/api/chats/messages/chat/stream/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...ids, message: "three" }),
      });
      expect(third.status).toBe(429);
      expect(third.headers.get("retry-after")).toBeTruthy();
      expect(await third.json()).toMatchObject({ success: false, code: "RATE_LIMITED" });
      // Refused messages are not stored.
      expect(await db.db.message.count({ where: { session_id: ids.session_id, role: "user" } })).toBe(2);
    } finally {
      await db.close();
    }
  });

  it("sends security headers with a per-request script nonce on pages", async () => {
    const first = await fetch(`${server.baseUrl}/`);
    const csp = first.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'self'");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    const html = await first.text();
    expect(html).toContain(`nonce="${nonce}"`);
    const second = await fetch(`${server.baseUrl}/`);
    expect(second.headers.get("content-security-policy")).not.toBe(csp);
  });

  it("answers CORS for allowed origins only", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.baseUrl}/api/chats/sessions/`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const allowed = await preflight("https://app.example");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const refused = await preflight("https://evil.example");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("reports liveness and readiness", async () => {
    const health = await fetch(`${server.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const ready = await fetch(`${server.baseUrl}/api/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      ready: boolean;
      migrations: { applied: number; expected: number };
    };
    expect(body.ready).toBe(true);
    expect(body.migrations.applied).toBe(body.migrations.expected);
  });
});

describe("database outage (PostgreSQL)", () => {
  let database: TestDatabase;
  let server: RunningServer;
  let name: string;
  const admin = () => new Client({ connectionString: POSTGRES_ADMIN_URL });
  async function sql(statement: string) {
    const client = admin();
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }
  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
    name = new URL(database.url).pathname.slice(1);
    server = await startServer({ databaseUrl: database.url });
  }, 90_000);
  afterAll(async () => {
    await sql(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(() => {});
    await server?.stop();
    await database?.drop();
  });

  it("answers 503 with a clear message while the database is down, and recovers without a restart", async () => {
    expect((await post(server.baseUrl, "/api/chats/visitors/", {})).status).toBe(201);

    await sql(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
    await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    const down = await post(server.baseUrl, "/api/chats/visitors/", {});
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ success: false, code: "SERVICE_UNAVAILABLE" });
    expect(String(down.body.message)).toMatch(/temporarily unavailable/);
    expect(down.headers.get("retry-after")).toBeTruthy();
    const trpc = await post(server.baseUrl, "/api/trpc/visitors.create", {});
    expect(trpc.status).toBe(503);
    expect((await fetch(`${server.baseUrl}/api/ready`)).status).toBe(503);

    await sql(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    const back = await post(server.baseUrl, "/api/chats/visitors/", {});
    expect(back.status).toBe(201);
    expect((await fetch(`${server.baseUrl}/api/ready`)).status).toBe(200);
  });
});

describe("graceful shutdown", () => {
  // tRPC registers the drain only for calls that start a reply (meta `startsReply`): both transports are covered.
  it.each(["REST", "tRPC"] as const)(
    "finishes and stores replies in flight when the server is stopped with SIGTERM (%s stream)",
    { timeout: 60_000 },
    async (transport) => {
      const database = await createTestDatabase("sqlite");
      const server = await startServer({
        databaseUrl: database.url,
        env: { KNOWLEDGE_STREAM_DELAY_MS: "150" },
      });
      const db = await openDatabase(database.url);
      try {
        const visitor = await post(server.baseUrl, "/api/chats/visitors/", {});
        const visitorId = (visitor.body.data as { id: string }).id;
        const session = await post(server.baseUrl, "/api/chats/sessions/", { visitor_id: visitorId });
        const ids = { visitor_id: visitorId, session_id: (session.body.data as { id: string }).id };
        const controller = new AbortController();
        const question = { ...ids, message: "How do I add the script tag for the widget?" };
        const response =
          transport === "REST"
            ? await fetch(`${server.baseUrl}/api/chats/messages/chat/stream/`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(question),
                signal: controller.signal,
              })
            : // What httpBatchStreamLink sends: a batch of one, answered as JSON lines.
              await fetch(`${server.baseUrl}/api/trpc/messages.chatStream?batch=1`, {
                method: "POST",
                headers: { "content-type": "application/json", "trpc-accept": "application/jsonl" },
                body: JSON.stringify({ 0: question }),
                signal: controller.signal,
              });
        expect(response.status).toBe(200);
        await response.body!.getReader().read();
        controller.abort(); // the visitor leaves…
        // …and the server is stopped while the reply (about 5 s at this pace) is still being written.
        await server.stop(20_000);
        const reply = await db.db.message.findFirstOrThrow({
          where: { session_id: ids.session_id, role: "assistant" },
        });
        expect(reply.status).toBe("complete");
        // The whole answer (its last sentence), and its sources with it.
        expect(reply.content).toMatch(/or the widget will not show\.$/);
        expect((reply.sources as { url: string }[])[0]?.url).toMatch(/^\/help\/embedding-the-widget#/);
      } finally {
        await server.stop();
        await db.close();
        await database.drop();
      }
    },
  );
});

describe("rate limits shared through Redis", () => {
  it("two app instances with REDIS_URL count against the same limits", async () => {
    const database = await createTestDatabase("sqlite");
    const env = {
      RATE_LIMITS: "on",
      REDIS_URL: "redis://127.0.0.1:6379",
      TRUSTED_PROXIES: "1",
      RATE_LIMIT_VISITOR_CREATE_PER_IP: "3/60",
    };
    const [first, second] = await Promise.all([
      startServer({ databaseUrl: database.url, env }),
      startServer({ databaseUrl: database.url, env }),
    ]);
    try {
      // A fresh client address per run, so counters left in Redis by earlier runs do not matter.
      const client = { "x-forwarded-for": `10.${Date.now() % 250}.${Math.floor(Math.random() * 250)}.7` };
      const statuses = [
        (await post(first.baseUrl, "/api/chats/visitors/", {}, client)).status,
        (await post(second.baseUrl, "/api/chats/visitors/", {}, client)).status,
        (await post(first.baseUrl, "/api/chats/visitors/", {}, client)).status,
        (await post(second.baseUrl, "/api/chats/visitors/", {}, client)).status,
      ];
      expect(statuses).toEqual([201, 201, 201, 429]);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
      await database.drop();
    }
  }, 60_000);
});
