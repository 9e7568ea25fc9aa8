/**
 * Signed webhooks, in process on both databases: events are stored in the transaction of the change and
 * delivered signed (verified with the `standardwebhooks` package by a local receiver); retries with backoff and
 * the 24-hour disablement under a fake clock; the per-endpoint concurrency limit; two workers on one database
 * deliver each event once; SSRF refusals at registration and at delivery.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  resendWebhookDelivery,
  updateWebhookEndpoint,
  type WebhookAdminDeps,
} from "~/server/admin/webhooks/webhooks.service";
import type { ChatDeps } from "~/server/chat/deps";
import { chat } from "~/server/chat/messages/messages.service";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { webhookDeliveryCounts } from "~/server/webhooks/metrics";
import { checkWebhookUrl, isNonPublicAddress, type Resolver } from "~/server/webhooks/url-guard";
import { retryDelayMs, runWebhookRound, type WebhookWorkerConfig } from "~/server/webhooks/worker";
import { verifyChatWebhook } from "../docs/examples/webhook-receiver.mjs";
import { ScriptedResponder } from "../testing/responders";
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from "../testing/webhook-receiver";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

const HOUR = 60 * 60 * 1000;

describeEachDatabase("webhooks", (database, dialect) => {
  let receiver: WebhookReceiver;
  let clock: Date;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(async () => {
    // Each test starts with no endpoints and no events.
    await database().db.webhookEndpoint.deleteMany({});
    await database().db.webhookEvent.deleteMany({});
    receiver.reset();
    clock = new Date();
  });

  const deps = (): ChatDeps => testDeps(database(), { responder: new ScriptedResponder(["Hi", " there"]) });
  const admin = (allowPrivate = true): WebhookAdminDeps => ({
    db: database().db,
    allowPrivate,
    now: () => clock,
  });
  const worker = (overrides: Partial<WebhookWorkerConfig> = {}): WebhookWorkerConfig => ({
    db: database().db,
    dialect,
    holder: "worker-a",
    now: () => clock,
    timeoutMs: 5_000,
    concurrencyPerEndpoint: 4,
    allowPrivate: true,
    ...overrides,
  });
  /** Rounds until nothing is left to attempt now. */
  async function drain(config: WebhookWorkerConfig): Promise<string[]> {
    const outcomes: string[] = [];
    for (let round = 0; round < 50; round += 1) {
      const done = await runWebhookRound(config);
      if (done.length === 0) return outcomes;
      outcomes.push(...done);
    }
    throw new Error("drain: still delivering after 50 rounds");
  }

  it("visitor, session and message events are stored with the change and delivered signed per Standard Webhooks", async () => {
    const endpoint = await createWebhookEndpoint(
      admin(),
      {
        url: receiver.url(),
        events: ["visitor.created", "session.created", "message.created"],
      },
      TEST_BY,
    );
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const visitor = await createVisitor(deps(), { metadata: { locale: "de" } });
    const session = await createSession(deps(), { visitor_id: visitor.id });
    const reply = await chat(deps(), { session_id: session.id, visitor_id: visitor.id, message: "Hello?" });
    // Stored in the outbox with the changes, nothing sent yet.
    expect(await database().db.webhookEvent.count()).toBe(4);
    expect(receiver.received).toHaveLength(0);

    const counted = webhookDeliveryCounts().succeeded;
    expect(await drain(worker())).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    expect(webhookDeliveryCounts().succeeded - counted).toBe(4);
    const verified = receiver.received.map((request) => verifyWebhook(endpoint.secret, request));
    // The receiver example of docs/webhooks.md accepts them too.
    for (const request of receiver.received)
      expect(verifyChatWebhook(endpoint.secret, request.body, request.headers).type).toMatch(/\.created$/);
    expect(() =>
      verifyChatWebhook(
        `whsec_${Buffer.from("another secret").toString("base64")}`,
        receiver.received[0]!.body,
        receiver.received[0]!.headers,
      ),
    ).toThrow();
    const byType = (type: string) => verified.filter((body) => body.type === type).map((body) => body.data);
    expect(byType("visitor.created")).toEqual([visitor]);
    expect(byType("session.created")).toEqual([session]);
    expect(byType("message.created")).toEqual(
      expect.arrayContaining([reply.user_message, reply.assistant_message]),
    );
    expect(byType("message.created")).toHaveLength(2);
    for (const request of receiver.received) {
      expect(request.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(request.headers["webhook-signature"]).toMatch(/^v1,/);
      expect(request.headers["content-type"]).toBe("application/json");
    }
    expect(new Set(receiver.received.map((request) => request.headers["webhook-id"])).size).toBe(4);
    // A tampered body fails verification.
    const tampered = {
      ...receiver.received[0]!,
      body: receiver.received[0]!.body.replace("created", "deleted"),
    };
    expect(() => verifyWebhook(endpoint.secret, tampered)).toThrow();

    const page = await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 });
    expect(page.items).toHaveLength(4);
    for (const delivery of page.items) {
      expect(delivery).toMatchObject({
        status: "succeeded",
        attempts: 1,
        last_status: 200,
        last_response: "answer 200",
      });
    }
  });

  it("an endpoint gets only the types it subscribed to; an event nobody wants is not kept", async () => {
    // Without any endpoint, events are dropped by the worker.
    await createVisitor(deps(), {});
    expect(await database().db.webhookEvent.count()).toBe(1);
    expect(await runWebhookRound(worker())).toEqual([]);
    expect(await database().db.webhookEvent.count()).toBe(0);
    const endpoint = await createWebhookEndpoint(
      admin(),
      {
        url: receiver.url(),
        events: ["session.created"],
      },
      TEST_BY,
    );
    const visitor = await createVisitor(deps(), {});
    await createSession(deps(), { visitor_id: visitor.id });
    await drain(worker());
    expect(receiver.received.map((request) => verifyWebhook(endpoint.secret, request).type)).toEqual([
      "session.created",
    ]);
    expect(await database().db.webhookEvent.count()).toBe(1);
  });

  it("failures are retried with exponential backoff; after failing for 24 hours the endpoint is disabled; Resend", async () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(30)).toBe(4 * HOUR);
    const start = clock;
    receiver.respond = () => 500;
    const endpoint = await createWebhookEndpoint(
      admin(),
      {
        url: receiver.url(),
        events: ["visitor.created"],
      },
      TEST_BY,
    );
    await createVisitor(deps(), {});

    expect(await runWebhookRound(worker())).toEqual(["retrying"]);
    const [first] = (await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 })).items;
    expect(first).toMatchObject({ status: "pending", attempts: 1, last_status: 500 });
    expect(Date.parse(first!.next_attempt_at!)).toBe(start.getTime() + 10_000);
    expect((await getWebhookEndpoint(admin(), { id: endpoint.id })).failing_since).toBe(start.toISOString());

    clock = new Date(start.getTime() + 5_000);
    expect(await runWebhookRound(worker()), "not due yet").toEqual([]);
    clock = new Date(start.getTime() + 10_000);
    expect(await runWebhookRound(worker())).toEqual(["retrying"]);
    expect(receiver.received).toHaveLength(2);

    // A day later: the last attempt fails, the delivery gives up and the endpoint is disabled.
    clock = new Date(start.getTime() + 25 * HOUR);
    expect(await runWebhookRound(worker())).toEqual(["failed"]);
    const disabled = await getWebhookEndpoint(admin(), { id: endpoint.id });
    expect(disabled).toMatchObject({ enabled: false, disabled_at: clock.toISOString() });
    expect(disabled.disabled_reason).toMatch(/24 hours/);
    const [gaveUp] = (await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 })).items;
    expect(gaveUp).toMatchObject({ status: "failed", attempts: 3, next_attempt_at: null });

    // Disabled: new events are not sent to it, and Resend asks to enable it first.
    await createVisitor(deps(), {});
    expect(await drain(worker())).toEqual([]);
    expect(receiver.received).toHaveLength(3);
    await expect(
      resendWebhookDelivery(admin(), { id: endpoint.id, delivery_id: gaveUp!.id }, TEST_BY),
    ).rejects.toMatchObject({ code: "WEBHOOK_DISABLED" });

    // Enabled again and fixed: Resend delivers it (same webhook-id).
    const enabled = await updateWebhookEndpoint(admin(), { id: endpoint.id, enabled: true }, TEST_BY);
    expect(enabled).toMatchObject({
      enabled: true,
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
    });
    receiver.respond = () => 204;
    const resent = await resendWebhookDelivery(
      admin(),
      { id: endpoint.id, delivery_id: gaveUp!.id },
      TEST_BY,
    );
    expect(resent.status).toBe("pending");
    expect(await drain(worker())).toEqual(["succeeded"]);
    expect(receiver.received.at(-1)!.headers["webhook-id"]).toBe(receiver.received[0]!.headers["webhook-id"]);
    const [delivered] = (await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 })).items;
    expect(delivered).toMatchObject({ status: "succeeded", attempts: 4, last_status: 204 });
    await expect(
      resendWebhookDelivery(
        admin(),
        {
          id: endpoint.id,
          delivery_id: "00000000-0000-4000-8000-000000000000",
        },
        TEST_BY,
      ),
    ).rejects.toMatchObject({ code: "WEBHOOK_DELIVERY_NOT_FOUND" });
  });

  it("an attempt that gets no answer in time fails with the reason and is retried", async () => {
    receiver.respond = () => "hang";
    const endpoint = await createWebhookEndpoint(
      admin(),
      {
        url: receiver.url(),
        events: ["visitor.created"],
      },
      TEST_BY,
    );
    await createVisitor(deps(), {});
    expect(await runWebhookRound(worker({ timeoutMs: 300 }))).toEqual(["retrying"]);
    const [delivery] = (await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 })).items;
    expect(delivery).toMatchObject({ status: "pending", last_status: null });
    expect(delivery!.last_error).toMatch(/timed out/);
  });

  it("at most concurrencyPerEndpoint deliveries of one endpoint are in flight, over two workers", async () => {
    const endpoint = await createWebhookEndpoint(
      admin(),
      {
        url: receiver.url(),
        events: ["visitor.created"],
      },
      TEST_BY,
    );
    for (let index = 0; index < 6; index += 1) await createVisitor(deps(), {});
    // Answers are held until two requests are in, so the first claims overlap the later ones.
    const held: (() => void)[] = [];
    receiver.respond = () =>
      new Promise<number>((resolve) => {
        held.push(() => resolve(200));
        if (held.length >= 2) for (const release of held.splice(0)) release();
      });
    const a = worker({ holder: "worker-a", concurrencyPerEndpoint: 2 });
    const b = worker({ holder: "worker-b", concurrencyPerEndpoint: 2 });
    const [first] = await Promise.all([runWebhookRound(a), runWebhookRound(b)]);
    expect(first.length).toBeLessThanOrEqual(2);
    await Promise.all([drain(a), drain(b)]);
    expect(receiver.maxInFlight()).toBeLessThanOrEqual(2);
    const page = await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 });
    expect(page.items.map((delivery) => delivery.status)).toEqual(Array(6).fill("succeeded"));
  });

  it("two workers on one database deliver each event exactly once", async () => {
    await createWebhookEndpoint(admin(), { url: receiver.url(), events: ["visitor.created"] }, TEST_BY);
    await createWebhookEndpoint(
      admin(),
      { url: receiver.url("/second"), events: ["visitor.created"] },
      TEST_BY,
    );
    for (let index = 0; index < 20; index += 1) await createVisitor(deps(), {});
    const a = worker({ holder: "worker-a", batchSize: 7 });
    const b = worker({ holder: "worker-b", batchSize: 7 });
    const outcomes = (await Promise.all([drain(a), drain(b), drain(a), drain(b)])).flat();
    expect(outcomes).toHaveLength(40);
    const seen = receiver.received.map(
      (request) => `${request.path} ${String(request.headers["webhook-id"])}`,
    );
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
  });

  describe("SSRF", () => {
    const fakeDns: Resolver = async (hostname) => {
      if (hostname === "rebinding.example") return [{ address: "127.0.0.1", family: 4 }];
      if (hostname === "mixed.example")
        return [
          { address: "93.184.215.14", family: 4 },
          { address: "10.0.0.5", family: 4 },
        ];
      if (hostname === "public.example") return [{ address: "93.184.215.14", family: 4 }];
      throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    };

    it.each([
      ["http://127.0.0.1:8080/hook", "127.0.0.1"],
      ["http://10.1.2.3/hook", "10.1.2.3"],
      ["http://172.16.0.1/hook", "172.16.0.1"],
      ["http://192.168.1.1/hook", "192.168.1.1"],
      ["http://169.254.169.254/latest/meta-data", "169.254.169.254"],
      ["http://[::1]:8080/hook", "::1"],
      ["http://[fe80::1]/hook", "fe80::1"],
      ["http://[fd00::1]/hook", "fd00::1"],
      ["http://[::ffff:127.0.0.1]/hook", "::ffff:7f00:1"],
      ["http://0.0.0.0/hook", "0.0.0.0"],
      ["http://localhost:3000/hook", "127.0.0.1"],
      ["https://rebinding.example/hook", "127.0.0.1"],
      ["https://mixed.example/hook", "10.0.0.5"],
    ])("%s is refused at registration", async (url, address) => {
      const refused = createWebhookEndpoint(
        { ...admin(false), resolve: url.includes(".example") ? fakeDns : undefined },
        { url, events: ["visitor.created"] },
        TEST_BY,
      );
      await expect(refused).rejects.toMatchObject({
        code: "WEBHOOK_URL_NOT_ALLOWED",
        fieldErrors: { url: [expect.any(String)] },
      });
      await expect(refused).rejects.toThrow(
        address === "::ffff:7f00:1" ? /resolves to/ : new RegExp(address.replaceAll(".", "\\.")),
      );
      expect(await database().db.webhookEndpoint.count()).toBe(0);
    });

    it("a public address is accepted; a name that does not resolve is refused", async () => {
      expect(
        await checkWebhookUrl("https://public.example/hook", { allowPrivate: false, resolve: fakeDns }),
      ).toEqual({ ok: true });
      expect(await checkWebhookUrl("https://93.184.215.14/hook", { allowPrivate: false })).toEqual({
        ok: true,
      });
      expect(isNonPublicAddress("8.8.8.8")).toBe(false);
      expect(isNonPublicAddress("2606:4700:4700::1111")).toBe(false);
      await expect(
        createWebhookEndpoint(
          { ...admin(false), resolve: fakeDns },
          { url: "https://nowhere.example/", events: ["visitor.created"] },
          TEST_BY,
        ),
      ).rejects.toMatchObject({ code: "WEBHOOK_URL_UNRESOLVABLE" });
      // Changing the URL is checked too.
      const endpoint = await createWebhookEndpoint(
        { ...admin(false), resolve: fakeDns },
        { url: "https://public.example/hook", events: ["visitor.created"] },
        TEST_BY,
      );
      await expect(
        updateWebhookEndpoint(admin(false), { id: endpoint.id, url: "http://127.0.0.1/hook" }, TEST_BY),
      ).rejects.toMatchObject({ code: "WEBHOOK_URL_NOT_ALLOWED" });
    });

    it("is checked again at delivery: an endpoint whose host now resolves privately is not sent to", async () => {
      // Registered while allowed (as if its DNS record changed since).
      const endpoint = await createWebhookEndpoint(
        admin(true),
        {
          url: receiver.url(),
          events: ["visitor.created"],
        },
        TEST_BY,
      );
      await createVisitor(deps(), {});
      expect(await runWebhookRound(worker({ allowPrivate: false }))).toEqual(["retrying"]);
      expect(receiver.received).toHaveLength(0);
      const [delivery] = (await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 })).items;
      expect(delivery!.last_error).toMatch(/127\.0\.0\.1.*SSRF/);
      // And by name, at connect time.
      await updateWebhookEndpoint(
        admin(true),
        {
          id: endpoint.id,
          url: receiver.url().replace("127.0.0.1", "localhost"),
        },
        TEST_BY,
      );
      clock = new Date(clock.getTime() + HOUR);
      expect(await runWebhookRound(worker({ allowPrivate: false }))).toEqual(["retrying"]);
      expect(receiver.received).toHaveLength(0);
      const [again] = (await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 })).items;
      expect(again!.last_error).toMatch(/localhost resolves to .*SSRF/);
    });
  });
});
