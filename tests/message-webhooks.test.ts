/**
 * `message.created` reaches webhooks for every stored message (issue 21): the visitor's in bot, waiting and agent
 * mode, every agent message, and an assistant reply once complete — each written in its change's transaction and
 * delivered once, signed per Standard Webhooks. A crash between the commit and the live publish loses no webhook.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createWebhookEndpoint } from "~/server/admin/webhooks/webhooks.service";
import type { ChatDeps } from "~/server/chat/deps";
import type { EventBus } from "~/server/chat/events/bus";
import { commitChange } from "~/server/chat/events/commit-change";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import { agentHeartbeat, claimSession, requestHandoff } from "~/server/chat/handoff/handoff.service";
import { chat, sendAgentMessage } from "~/server/chat/messages/messages.service";
import type { MessageDto } from "~/server/chat/messages/message.schema";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { runWebhookRound, type WebhookWorkerConfig } from "~/server/webhooks/worker";
import { ScriptedResponder } from "../testing/responders";
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from "../testing/webhook-receiver";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

describeEachDatabase("message.created webhooks in every mode", (database, dialect) => {
  let receiver: WebhookReceiver;
  let bus: MemoryEventBus;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    bus = new MemoryEventBus();
  });
  afterAll(async () => {
    await receiver.close();
    await bus.close();
  });
  beforeEach(async () => {
    await database().db.webhookEndpoint.deleteMany({});
    await database().db.webhookEvent.deleteMany({});
    await database().db.agentPresence.deleteMany({});
    receiver.reset();
  });

  const deps = (events: EventBus = bus): ChatDeps =>
    testDeps(database(), { responder: new ScriptedResponder(["Hi", " there"]), events });
  const worker = (): WebhookWorkerConfig => ({
    db: database().db,
    dialect,
    holder: "worker-a",
    now: () => new Date(),
    timeoutMs: 5_000,
    concurrencyPerEndpoint: 4,
    allowPrivate: true,
  });
  async function drain(): Promise<void> {
    for (let round = 0; round < 50; round += 1) if ((await runWebhookRound(worker())).length === 0) return;
    throw new Error("drain: still delivering after 50 rounds");
  }
  const subscribe = () =>
    createWebhookEndpoint(
      { db: database().db, allowPrivate: true },
      { url: receiver.url(), events: ["message.created"] },
      TEST_BY,
    );

  it("announces the visitor's messages in bot, waiting and agent mode and the agent's, each once and signed", async () => {
    const endpoint = await subscribe();
    const visitor = await createVisitor(deps(), {});
    const session = await createSession(deps(), { visitor_id: visitor.id });
    const say = (message: string) =>
      chat(deps(), { session_id: session.id, visitor_id: visitor.id, message });

    const inBot = await say("bot mode question");
    await agentHeartbeat(deps(), { id: "agent-1", name: "Ada" });
    expect((await requestHandoff(deps(), { id: session.id, visitor_id: visitor.id })).status).toBe("waiting");
    const inWaiting = await say("waiting mode question");
    expect(inWaiting.assistant_message).toBeNull();
    await claimSession(deps(), session.id, { id: "agent-1", name: "Ada" });
    const inAgent = await say("agent mode question");
    const fromAgent = await sendAgentMessage(
      deps(),
      { id: session.id, message: "Ada here" },
      {
        id: "agent-1",
        name: "Ada",
      },
    );

    const expected: MessageDto[] = [
      inBot.user_message,
      inBot.assistant_message!,
      inWaiting.user_message,
      inAgent.user_message,
      fromAgent,
    ];
    // Stored with the changes: one outbox row per message (and one for the claim's visible step), nothing sent yet.
    expect(await database().db.webhookEvent.count({ where: { type: "message.created" } })).toBe(6);
    await drain();
    await drain(); // nothing left: a second drain sends nothing again
    const all = receiver.received.map((request) => verifyWebhook(endpoint.secret, request));
    expect(all.map((body) => body.type)).toEqual(Array(6).fill("message.created"));
    expect(
      all.filter((body) => (body.data as MessageDto).role === "system").map((body) => body.data),
    ).toEqual([expect.objectContaining({ kind: "agent_joined", author_name: "Ada" })]);
    const bodies = all.filter((body) => (body.data as MessageDto).role !== "system");
    expect(bodies.map((body) => body.data)).toEqual(expect.arrayContaining(expected));
    expect(bodies).toHaveLength(expected.length);
    expect(new Set(receiver.received.map((request) => request.headers["webhook-id"])).size).toBe(6);
    const roles = bodies.map((body) => (body.data as MessageDto).role).sort();
    expect(roles).toEqual(["agent", "assistant", "user", "user", "user"]);
    expect(bodies.find((body) => (body.data as MessageDto).role === "agent")!.data).toMatchObject({
      author_name: "Ada",
      content: "Ada here",
      status: "complete",
    });
    expect(bodies.find((body) => (body.data as MessageDto).role === "assistant")!.data).toMatchObject({
      status: "complete",
      content: "Hi there",
    });
  });

  it("a crash between the commit and the live publish loses no webhook row", async () => {
    const endpoint = await subscribe();
    const visitor = await createVisitor(deps(), {});
    const session = await createSession(deps(), { visitor_id: visitor.id });
    await agentHeartbeat(deps(), { id: "agent-1", name: "Ada" });
    await requestHandoff(deps(), { id: session.id, visitor_id: visitor.id });
    // The process "dies" right after the commit: the bus throws as the first live event is published.
    const crashing: EventBus = Object.assign(Object.create(bus) as EventBus, {
      publish: () => {
        throw new Error("process died before publishing");
      },
    });
    await expect(
      chat(deps(crashing), { session_id: session.id, visitor_id: visitor.id, message: "still there?" }),
    ).rejects.toThrow("process died before publishing");
    // The message and its outbox row were committed together; a worker (after a restart) delivers it.
    const stored = await database().db.message.findMany({ where: { session_id: session.id } });
    expect(stored.map((row) => row.content)).toEqual(["still there?"]);
    await drain();
    const bodies = receiver.received.map((request) => verifyWebhook(endpoint.secret, request));
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      type: "message.created",
      data: { id: stored[0]!.id, content: "still there?", role: "user" },
    });
  });

  it("a change that fails inside its transaction leaves no webhook row, no audit entry and publishes nothing", async () => {
    await subscribe();
    const visitor = await createVisitor(deps(), {});
    const session = await createSession(deps(), { visitor_id: visitor.id });
    const published: string[] = [];
    const stop = bus.subscribe(session.id, (event) => published.push(event.type));
    const outboxBefore = await database().db.webhookEvent.count();
    const auditBefore = await database().db.auditEntry.count();
    const message: MessageDto = {
      id: randomUUID(),
      session_id: session.id,
      role: "agent",
      kind: null,
      author_name: "Ada",
      content: "never stored",
      status: "complete",
      sources: [],
      feedback: null,
      attachments: [],
      created_at: new Date().toISOString(),
    };
    // The second write fails (a session that already exists): the whole change rolls back.
    await expect(
      commitChange(deps(), {
        writes: [
          database().db.session.updateMany({ where: { id: session.id }, data: { title: "changed" } }),
          database().db.session.create({ data: { id: session.id, visitor_id: visitor.id } }),
        ],
        events: [{ type: "message.created", data: message, session_id: session.id }],
        audit: {
          actor: { kind: "api_key", id: null, name: "test" },
          action: "agent_message.sent",
          object: { type: "session", id: session.id },
        },
      }),
    ).rejects.toThrow();
    stop();
    expect(await database().db.webhookEvent.count()).toBe(outboxBefore);
    expect(await database().db.auditEntry.count()).toBe(auditBefore);
    expect((await database().db.session.findUniqueOrThrow({ where: { id: session.id } })).title).toBeNull();
    expect(published).toEqual([]);
  });
});
