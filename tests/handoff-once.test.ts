/**
 * A handoff request is announced once: with nobody online, asking again and again while the request stays
 * unanswered (status unavailable) stores one session.handoff_requested webhook, not one per click — on both
 * databases. A new request after an agent took and released the conversation is announced again.
 */
import { beforeEach, expect, it } from "vitest";
import { requestHandoff, claimSession, releaseSession } from "~/server/chat/handoff/handoff.service";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";
import { createWebhookEndpoint } from "~/server/admin/webhooks/webhooks.service";

describeEachDatabase("handoff webhooks once per request", (database) => {
  beforeEach(async () => {
    await database().db.webhookEndpoint.deleteMany({});
    await database().db.webhookEvent.deleteMany({});
    await database().db.agentPresence.deleteMany({});
    await createWebhookEndpoint(
      { db: database().db, allowPrivate: true, now: () => new Date() },
      { url: "http://127.0.0.1:9/hook", events: ["session.handoff_requested"] },
      TEST_BY,
    );
  });

  it("30 requests with nobody online are one webhook for that open request", async () => {
    const deps = testDeps(database());
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id });
    const owned = { id: session.id, visitor_id: visitor.id };
    const statuses = new Set<string>();
    for (let index = 0; index < 30; index += 1) statuses.add((await requestHandoff(deps, owned)).status);
    expect([...statuses]).toEqual(["unavailable"]);
    const announced = () =>
      database().db.webhookEvent.count({ where: { type: "session.handoff_requested" } });
    expect(await announced()).toBe(1);

    // An agent takes it later and hands it back: the next request is a new one, announced again.
    await claimSession(deps, session.id, { id: "agent-1", name: "Ada" });
    await releaseSession(deps, session.id);
    await requestHandoff(deps, owned);
    await requestHandoff(deps, owned);
    expect(await announced()).toBe(2);
  });
});
