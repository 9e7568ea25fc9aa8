/**
 * Webhook delivery isolation and bookkeeping, on both databases, with a real local receiver: one endpoint that
 * never answers holds only its own deliveries (at most its concurrency) while the worker keeps delivering every
 * other endpoint's; a receiver's answer with control characters (NUL included) is stored without them and the
 * attempt is counted.
 */
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { createWebhookEndpoint, listWebhookDeliveries } from "~/server/admin/webhooks/webhooks.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { startWebhookWorker } from "~/server/jobs/webhook-worker";
import { runWebhookRound } from "~/server/webhooks/worker";
import { ScriptedResponder } from "../testing/responders";
import { startWebhookReceiver, type WebhookReceiver } from "../testing/webhook-receiver";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

describeEachDatabase("webhook delivery isolation", (database, dialect) => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(async () => {
    await database().db.webhookEndpoint.deleteMany({});
    await database().db.webhookEvent.deleteMany({});
    receiver.reset();
  });
  const deps = () => testDeps(database(), { responder: new ScriptedResponder(["Hi"]) });
  const admin = () => ({ db: database().db, allowPrivate: true, now: () => new Date() });

  it("a receiver that never answers delays only its own deliveries: the healthy endpoint gets all of its", async () => {
    receiver.respond = (request) => (request.path === "/hang" ? "hang" : 200);
    const hanging = await createWebhookEndpoint(
      admin(),
      { url: receiver.url("/hang"), events: ["visitor.created"] },
      TEST_BY,
    );
    const healthy = await createWebhookEndpoint(
      admin(),
      { url: receiver.url("/ok"), events: ["visitor.created"] },
      TEST_BY,
    );
    for (let index = 0; index < 12; index += 1) await createVisitor(deps(), {});
    const worker = startWebhookWorker({
      getDatabase: () => Promise.resolve({ db: database().db, dialect }),
      holder: "isolation-worker",
      intervalMs: 50,
      // Far longer than the test: a round that waited for the hanging attempts would deliver nothing more.
      config: { now: () => new Date(), timeoutMs: 120_000, concurrencyPerEndpoint: 2, allowPrivate: true },
    });
    try {
      await vi.waitFor(
        () => expect(receiver.received.filter((request) => request.path === "/ok")).toHaveLength(12),
        { timeout: 30_000, interval: 50 },
      );
      // The hanging receiver still holds its first requests, no more than its concurrency.
      expect(receiver.received.filter((request) => request.path === "/hang")).toHaveLength(2);
      await vi.waitFor(
        async () => {
          const delivered = await listWebhookDeliveries(admin(), { id: healthy.id, limit: 20 });
          expect(delivered.items.map((delivery) => delivery.status)).toEqual(Array(12).fill("succeeded"));
        },
        { timeout: 10_000, interval: 50 },
      );
      const held = await listWebhookDeliveries(admin(), { id: hanging.id, limit: 20 });
      expect(held.items.filter((delivery) => delivery.status === "pending")).toHaveLength(12);
      expect(held.items.every((delivery) => delivery.attempts === 0)).toBe(true);
    } finally {
      // The hanging requests are cut, so the worker's attempts end and stop() returns.
      receiver.reset();
      await worker.stop();
    }
  });

  it("a receiver's answer with NUL and other control characters is stored without them, the attempt counted", async () => {
    receiver.respond = () => ({ status: 500, body: "bad\u0000 answer\u0007 with\ttab\nand line" });
    const endpoint = await createWebhookEndpoint(
      admin(),
      { url: receiver.url(), events: ["visitor.created"] },
      TEST_BY,
    );
    await createVisitor(deps(), {});
    const config = {
      db: database().db,
      dialect,
      holder: "nul-worker",
      now: () => new Date(),
      timeoutMs: 5_000,
      concurrencyPerEndpoint: 2,
      allowPrivate: true,
    };
    expect(await runWebhookRound(config)).toEqual(["retrying"]);
    const [delivery] = (await listWebhookDeliveries(admin(), { id: endpoint.id, limit: 10 })).items;
    expect(delivery).toMatchObject({
      status: "pending",
      attempts: 1,
      last_status: 500,
      last_response: "bad answer with\ttab\nand line",
    });
  });
});
