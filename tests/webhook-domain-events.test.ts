/**
 * The webhook events of the features that came after the outbox: each is written in the transaction of its change
 * (visitor.deleted, feedback.created, session.handoff_requested), and an erasure leaves no earlier event of the
 * visitor in the outbox.
 */
import { beforeAll, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { rateMessage } from "~/server/chat/feedback/feedback.service";
import { agentHeartbeat, requestHandoff } from "~/server/chat/handoff/handoff.service";
import { chat } from "~/server/chat/messages/messages.service";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { eraseVisitor } from "~/server/chat/visitors/erase-visitor";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { WEBHOOK_EVENT_TYPES, forgetWebhookSubscriptions } from "~/server/chat/webhooks/webhook-events";
import { describeEachDatabase } from "./helpers/databases";
import { ScriptedResponder } from "../testing/responders";
import { testDeps } from "./helpers/deps";

describeEachDatabase("webhook events of erasure, feedback and handoff", (database) => {
  let deps: ChatDeps;
  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["Hello ", "there"]) });
    // An endpoint that wants every event (an install without one writes none).
    await deps.db.webhookEndpoint.create({
      data: { url: "https://hooks.example.com/all", events: [...WEBHOOK_EVENT_TYPES], secret: "whsec_test" },
    });
    forgetWebhookSubscriptions(deps.db);
  });

  const eventsMentioning = async (id: string) =>
    (await deps.db.webhookEvent.findMany({ orderBy: { created_at: "asc" } })).filter((event) =>
      JSON.stringify(event.payload).includes(id),
    );

  it("feedback.created carries the rating; an erasure drops the visitor's events and announces visitor.deleted", async () => {
    const visitor = await createVisitor(deps, { metadata: { plan: "secret-plan" } });
    const session = await createSession(deps, { visitor_id: visitor.id });
    const answer = await chat(deps, {
      session_id: session.id,
      visitor_id: visitor.id,
      message: "secret question",
    });
    await rateMessage(deps, {
      id: answer.assistant_message!.id,
      visitor_id: visitor.id,
      rating: "down",
      comment: "meh",
    });
    const before = await eventsMentioning(session.id);
    expect(before.map((event) => event.type)).toEqual(
      expect.arrayContaining(["session.created", "message.created", "feedback.created"]),
    );
    expect(before.find((event) => event.type === "feedback.created")!.payload).toMatchObject({
      message_id: answer.assistant_message!.id,
      visitor_id: visitor.id,
      rating: "down",
      comment: "meh",
    });

    await eraseVisitor(deps, visitor.id);
    const after = [...(await eventsMentioning(visitor.id)), ...(await eventsMentioning(session.id))];
    expect(after.map((event) => event.type)).toEqual(["visitor.deleted"]);
    expect(after[0]!.payload).toEqual({ id: visitor.id, sessions: 1, messages: 2 });
    const outbox = JSON.stringify(await deps.db.webhookEvent.findMany());
    expect(outbox).not.toContain("secret question");
    expect(outbox).not.toContain("secret-plan");
  });

  it("session.handoff_requested is written with the request, with or without an agent online", async () => {
    const visitor = await createVisitor(deps, {});
    const nobody = await createSession(deps, { visitor_id: visitor.id });
    await requestHandoff(deps, { id: nobody.id, visitor_id: visitor.id });
    await agentHeartbeat(deps, { id: "agent-1", name: "Ada" });
    const waiting = await createSession(deps, { visitor_id: visitor.id });
    const state = await requestHandoff(deps, { id: waiting.id, visitor_id: visitor.id });
    expect(state.status).toBe("waiting");
    for (const session of [nobody, waiting]) {
      const events = (await eventsMentioning(session.id)).filter(
        (e) => e.type === "session.handoff_requested",
      );
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toMatchObject({ id: session.id, visitor_id: visitor.id });
    }
    // Asking again changes nothing, and tells nobody again.
    await requestHandoff(deps, { id: waiting.id, visitor_id: visitor.id });
    expect(
      (await eventsMentioning(waiting.id)).filter((e) => e.type === "session.handoff_requested"),
    ).toHaveLength(1);
  });
});
