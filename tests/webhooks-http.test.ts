/**
 * Webhooks over real HTTP against `next start`, on both databases: the admin REST API (register → secret once,
 * list, get, change, deliveries, delete; bad input and SSRF refused with field detail), and the outbox surviving
 * a crash: events committed while the server does not deliver, the server killed (SIGKILL), a new server
 * delivers each one exactly once, signed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/server/db/client";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from "../testing/webhook-receiver";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./helpers/databases";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer, startServer, type RunningServer } from "./helpers/server";

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, "content-type": "application/json" };
const PUBLIC_HOOK = "https://93.184.215.14/hook";

interface Envelope<T = Record<string, unknown>> {
  success: boolean;
  code?: string;
  message: string;
  data: T;
  errors?: Record<string, string[]>;
}

async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Envelope<T>; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: ADMIN,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Envelope<T>, text };
}

describeEachServer("webhooks admin REST API", (target) => {
  let checker: DocumentChecker;
  beforeAll(async () => {
    checker = await loadDocumentChecker(target().baseUrl);
  });

  it("registers an endpoint (the secret is shown once), lists, gets, changes, lists deliveries and deletes it", async () => {
    const base = target().baseUrl;
    const created = await call<{ id: string; secret: string; events: string[]; enabled: boolean }>(
      base,
      "POST",
      "/api/admin/webhooks/",
      { url: PUBLIC_HOOK, events: ["message.created", "visitor.created", "message.created"] },
    );
    expect(created.status).toBe(201);
    checker.expectDeclared("POST", "/api/admin/webhooks/", 201, created.body);
    expect(created.body.data).toMatchObject({
      enabled: true,
      events: ["message.created", "visitor.created"],
    });
    const { id, secret } = created.body.data;
    expect(secret).toMatch(/^whsec_/);

    const list = await call<{ items: { id: string }[] }>(base, "GET", "/api/admin/webhooks/");
    expect(list.status).toBe(200);
    checker.expectDeclared("GET", "/api/admin/webhooks/", 200, list.body);
    expect(list.body.data.items.map((item) => item.id)).toContain(id);
    const one = await call(base, "GET", `/api/admin/webhooks/${id}/`);
    expect(one.status).toBe(200);
    // Never shown again.
    expect(list.text).not.toContain(secret);
    expect(one.text).not.toContain(secret);
    expect(one.text).not.toContain('"secret"');

    const changed = await call(base, "PATCH", `/api/admin/webhooks/${id}/`, {
      events: ["session.created"],
      enabled: false,
    });
    expect(changed.status).toBe(200);
    checker.expectDeclared("PATCH", `/api/admin/webhooks/${id}/`, 200, changed.body);
    expect(changed.body.data).toMatchObject({
      events: ["session.created"],
      enabled: false,
      disabled_reason: "Disabled by an admin.",
    });

    const deliveries = await call(base, "GET", `/api/admin/webhooks/${id}/deliveries/`);
    expect(deliveries.status).toBe(200);
    checker.expectDeclared("GET", `/api/admin/webhooks/${id}/deliveries/`, 200, deliveries.body);
    expect(deliveries.body.data).toEqual({ items: [], next_cursor: null });

    const resend = await call(
      base,
      "POST",
      `/api/admin/webhooks/${id}/deliveries/00000000-0000-4000-8000-000000000000/resend/`,
    );
    expect(resend.status).toBe(409);
    expect(resend.body.code).toBe("WEBHOOK_DISABLED");

    const deleted = await call(base, "DELETE", `/api/admin/webhooks/${id}/`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id, deleted: true });
    const gone = await call(base, "GET", `/api/admin/webhooks/${id}/`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe("WEBHOOK_NOT_FOUND");
    checker.expectDeclared("GET", `/api/admin/webhooks/${id}/`, 404, gone.body);
  });

  it("bad input is a 400 naming the fields", async () => {
    const bad = await call(target().baseUrl, "POST", "/api/admin/webhooks/", {
      url: "ftp://example.com/",
      events: ["message.deleted"],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("VALIDATION_FAILED");
    expect(Object.keys(bad.body.errors ?? {})).toEqual(expect.arrayContaining(["url", "events.0"]));
    const empty = await call(target().baseUrl, "POST", "/api/admin/webhooks/", {
      url: PUBLIC_HOOK,
      events: [],
    });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toHaveProperty("events");
  });

  it.each([
    "http://127.0.0.1:9/hook",
    "http://localhost/hook",
    "http://[::1]/hook",
    "http://10.0.0.1/hook",
    "http://169.254.169.254/latest/meta-data",
  ])("refuses %s (SSRF) with a 400 on url", async (url) => {
    const refused = await call(target().baseUrl, "POST", "/api/admin/webhooks/", {
      url,
      events: ["visitor.created"],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("WEBHOOK_URL_NOT_ALLOWED");
    expect(refused.body.message).toMatch(/WEBHOOKS_ALLOW_PRIVATE=true/);
    expect(refused.body.errors).toHaveProperty("url");
    checker.expectDeclared("POST", "/api/admin/webhooks/", 400, refused.body);
  });
});

for (const dialect of dialectsUnderTest()) {
  describe(`the webhook outbox survives a crash between commit and send [${dialect}]`, () => {
    let testDatabase: TestDatabase | undefined;
    let database: Database | undefined;
    let receiver: WebhookReceiver | undefined;
    const servers: RunningServer[] = [];
    beforeAll(async () => {
      testDatabase = await createTestDatabase(dialect);
      database = await openDatabase(testDatabase.url);
      receiver = await startWebhookReceiver();
    });
    afterAll(async () => {
      for (const server of servers) await server.stop();
      await receiver?.close();
      await database?.close();
      await testDatabase?.drop();
    });

    it("events committed before a SIGKILL are delivered once by the next server", async () => {
      const env = { WEBHOOKS_ALLOW_PRIVATE: "true", WEBHOOKS_POLL_MS: "200" };
      // A server that stores events but does not deliver them: it dies before sending any.
      const first = await startServer({
        databaseUrl: testDatabase!.url,
        env: { ...env, WEBHOOKS_DELIVERY: "off" },
      });
      servers.push(first);
      const registered = await call<{ id: string; secret: string }>(
        first.baseUrl,
        "POST",
        "/api/admin/webhooks/",
        {
          url: receiver!.url(),
          events: ["visitor.created", "session.created", "message.created"],
        },
      );
      expect(registered.status).toBe(201);
      const post = async (path: string, body: unknown) =>
        (await call<Record<string, unknown>>(first.baseUrl, "POST", path, body)).body.data;
      const visitor = await post("/api/chats/visitors/", {});
      const session = await post("/api/chats/sessions/", { visitor_id: visitor.id });
      const chat = await post("/api/chats/messages/chat/", {
        session_id: session.id,
        visitor_id: visitor.id,
        message: "How do I reset my password?",
      });
      expect(chat).toHaveProperty("assistant_message.status", "complete");
      expect(await database!.db.webhookEvent.count()).toBe(4);
      await first.kill();
      expect(receiver!.received).toHaveLength(0);

      const second = await startServer({ databaseUrl: testDatabase!.url, env });
      servers.push(second);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const done = await database!.db.webhookDelivery.count({ where: { status: "succeeded" } });
        if (done === 4) break;
        if (Date.now() > deadline) throw new Error(`only ${done} of 4 delivered:\n${second.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await second.stop();
      const ids = receiver!.received.map((request) => String(request.headers["webhook-id"]));
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(4);
      const types = receiver!.received.map(
        (request) => verifyWebhook(registered.body.data.secret, request).type,
      );
      expect(types.sort()).toEqual([
        "message.created",
        "message.created",
        "session.created",
        "visitor.created",
      ]);
    }, 120_000);
  });
}
