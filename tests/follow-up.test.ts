/**
 * The follow-up queue and the visible steps of a conversation, on both databases: a request nobody answered
 * (nobody online, or not claimed within the timeout) stays in `GET /api/admin/sessions/?needs_follow_up=true`
 * (newest request first, with the visitor's email) until an agent replies or closes it; `session.handoff_missed`
 * reaches the webhook outbox with the session, the email and the last visitor message; claim, release, close and
 * reopen are stored as system messages (role system, kind) that the assistant never sees as history.
 */
import { beforeEach, expect, it } from "vitest";
import { createWebhookEndpoint } from "~/server/admin/webhooks/webhooks.service";
import type { createCaller } from "~/server/api/root";
import type { ChatDeps } from "~/server/chat/deps";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import type { Agent } from "~/server/chat/handoff/handoff-rules";
import {
  agentHeartbeat,
  claimSession,
  closeSession,
  expireWaiting,
  leaveEmailForFollowUp,
  releaseSession,
  requestHandoff,
} from "~/server/chat/handoff/handoff.service";
import { chat, listMessages, sendAgentMessage } from "~/server/chat/messages/messages.service";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { testConfig, testDeps, TEST_BY } from "./helpers/deps";

const ADA: Agent = { id: "agent-ada", name: "Ada" };
const TIMEOUT_MS = 120_000;

describeEachDatabase("follow-up queue and visible steps", (database) => {
  let deps: ChatDeps;
  let clock: number;
  let responder: ScriptedResponder;
  let admin: ReturnType<typeof createCaller>["admin"];

  beforeEach(async () => {
    clock = Date.parse("2026-12-01T10:00:00.000Z");
    responder = new ScriptedResponder(["Bot", " reply"]);
    deps = testDeps(database(), {
      responder,
      events: new MemoryEventBus(),
      now: () => new Date(clock),
      config: testConfig({ handoffTimeoutMs: TIMEOUT_MS }),
    });
    admin = adminCaller(deps, bearer(TEST_ADMIN_API_KEY), "198.51.100.77").admin;
    await deps.db.agentPresence.deleteMany({});
    await deps.db.webhookEndpoint.deleteMany({});
    await deps.db.webhookEvent.deleteMany({});
    // Earlier tests' conversations leave the queue: each test sees only its own.
    await deps.db.session.updateMany({ data: { follow_up_since: null } });
    await createWebhookEndpoint(
      { db: deps.db, allowPrivate: true },
      { url: "http://127.0.0.1:9/hook", events: ["session.handoff_missed"] },
      TEST_BY,
    );
  });

  async function visitorWithSession(message: string) {
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id });
    await chat(deps, { session_id: session.id, visitor_id: visitor.id, message });
    return {
      visitorId: visitor.id,
      sessionId: session.id,
      owned: { id: session.id, visitor_id: visitor.id },
    };
  }

  const queue = async () => (await admin.sessions.list({ needs_follow_up: "true", limit: 50 })).items;
  const missedPayloads = async () =>
    (
      await deps.db.webhookEvent.findMany({
        where: { type: "session.handoff_missed" },
        orderBy: { created_at: "asc" },
      })
    ).map(
      (row) =>
        row.payload as {
          session: { id: string };
          visitor_email: string | null;
          last_visitor_message: { content: string } | null;
        },
    );

  it("nobody online: the request is in the queue at once, announced, and the email left is shown and announced again", async () => {
    const first = await visitorWithSession("Where is my order 1234?");
    const state = await requestHandoff(deps, first.owned);
    expect(state.status).toBe("unavailable");
    expect(state.session.needs_follow_up).toBe(true);

    let items = await queue();
    expect(items.map((item) => [item.id, item.visitor_email])).toEqual([[first.sessionId, null]]);

    let missed = await missedPayloads();
    expect(missed).toHaveLength(1);
    expect(missed[0]).toMatchObject({
      session: { id: first.sessionId },
      visitor_email: null,
      last_visitor_message: { content: "Where is my order 1234?" },
    });

    await leaveEmailForFollowUp(deps, {
      id: first.visitorId,
      visitor_id: first.visitorId,
      email: "visitor@example.org",
    });
    items = await queue();
    expect(items.map((item) => [item.id, item.visitor_email, item.needs_follow_up])).toEqual([
      [first.sessionId, "visitor@example.org", true],
    ]);
    missed = await missedPayloads();
    expect(missed).toHaveLength(2);
    expect(missed[1]).toMatchObject({
      visitor_email: "visitor@example.org",
      session: { id: first.sessionId },
    });

    // A later request is listed first (newest first).
    clock += 60_000;
    const second = await visitorWithSession("Can someone call me?");
    await requestHandoff(deps, second.owned);
    expect((await queue()).map((item) => item.id)).toEqual([second.sessionId, first.sessionId]);
    // …and not in the other filter.
    const others = (await admin.sessions.list({ needs_follow_up: "false", limit: 100 })).items;
    expect(others.some((item) => item.id === first.sessionId || item.id === second.sessionId)).toBe(false);

    // The transcript carries the flag and the email.
    const transcript = await admin.sessions.transcript({ id: first.sessionId });
    expect(transcript.session).toMatchObject({ needs_follow_up: true, visitor_email: "visitor@example.org" });
    expect(transcript.visitor.email).toBe("visitor@example.org");
  });

  it("a request nobody claimed within the timeout joins the queue (with handoff_missed); an agent's reply takes it out", async () => {
    const { sessionId, owned } = await visitorWithSession("I need a person");
    await agentHeartbeat(deps, ADA);
    expect((await requestHandoff(deps, owned)).status).toBe("waiting");
    expect(await queue()).toEqual([]);
    clock += TIMEOUT_MS + 1;
    expect(await expireWaiting(deps)).toBe(1);
    expect((await queue()).map((item) => item.id)).toEqual([sessionId]);
    expect(await missedPayloads()).toEqual([
      expect.objectContaining({ session: expect.objectContaining({ id: sessionId, needs_follow_up: true }) }),
    ]);

    // Claiming alone does not answer it; the agent's reply does.
    await claimSession(deps, sessionId, ADA);
    expect((await queue()).map((item) => item.id)).toEqual([sessionId]);
    await sendAgentMessage(deps, { id: sessionId, message: "Hi, Ada here." }, ADA);
    expect(await queue()).toEqual([]);
  });

  it("closing a conversation in the queue takes it out", async () => {
    const { sessionId, owned } = await visitorWithSession("hello?");
    await requestHandoff(deps, owned);
    expect((await queue()).map((item) => item.id)).toEqual([sessionId]);
    await closeSession(deps, sessionId);
    expect(await queue()).toEqual([]);
  });

  it("claim, release, close and reopen are system messages (role, kind) for people, never the assistant's history", async () => {
    const { sessionId, visitorId } = await visitorWithSession("first question");
    await claimSession(deps, sessionId, ADA);
    await sendAgentMessage(deps, { id: sessionId, message: "Ada here" }, ADA);
    await releaseSession(deps, sessionId);
    await claimSession(deps, sessionId, ADA);
    await closeSession(deps, sessionId);
    await chat(deps, { session_id: sessionId, visitor_id: visitorId, message: "one more thing" });

    const page = await listMessages(deps, { id: sessionId, visitor_id: visitorId, limit: 50, order: "asc" });
    expect(page.items.map((message) => [message.role, message.kind, message.author_name])).toEqual([
      ["user", null, null],
      ["assistant", null, null],
      ["system", "agent_joined", "Ada"],
      ["agent", null, "Ada"],
      ["system", "handed_back", null],
      ["system", "agent_joined", "Ada"],
      ["system", "closed", null],
      ["system", "reopened", null],
      ["user", null, null],
      ["assistant", null, null],
    ]);
    // The reply after the reopening was given the history without any system step.
    const last = responder.calls.at(-1)!;
    expect(last.history.map((turn) => turn.content)).toEqual(["first question", "Bot reply", "Ada here"]);
    // The admin transcript shows them too.
    const transcript = await admin.sessions.transcript({ id: sessionId });
    expect(
      transcript.messages.filter((message) => message.role === "system").map((message) => message.kind),
    ).toEqual(["agent_joined", "handed_back", "agent_joined", "closed", "reopened"]);
  });
});
