/**
 * Human handoff in the domain, on both databases: the mode rules and their refusals, bot silence, agent messages
 * reaching a visitor who follows the session, presence and the handoff timeout (with an injected clock), the
 * assistant's handoff seam, the visitor's email and typing.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { agentOf } from "~/server/admin/inbox/inbox.service";
import type { ChatDeps } from "~/server/chat/deps";
import type { SessionEvent } from "~/server/chat/events/event-types";
import { followSession } from "~/server/chat/events/follow-session";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import type { Agent } from "~/server/chat/handoff/handoff-rules";
import {
  agentHeartbeat,
  agentLeft,
  agentsOnline,
  claimSession,
  closeSession,
  getHandoffState,
  PRESENCE_TTL_MS,
  releaseSession,
  requestHandoff,
  visitorTyping,
} from "~/server/chat/handoff/handoff.service";
import { chat, chatStreamEvents, openChat, sendAgentMessage } from "~/server/chat/messages/messages.service";
import { HANDOFF_TEXT } from "~/server/chat/responder/fallback-replies";
import { KnowledgeBase, KnowledgeBaseResponder, loadKnowledge } from "~/server/chat/responder/knowledge-base";
import { LlmResponder } from "~/server/chat/responder/llm";
import { startFakeLlm } from "../testing/fake-llm";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor, setVisitorEmail } from "~/server/chat/visitors/visitors.service";
import { ScriptedResponder } from "../testing/responders";
import { startHandoffTimeoutJob } from "~/server/jobs/handoff-timeout";
import { describeEachDatabase } from "./helpers/databases";
import { testConfig, testDeps } from "./helpers/deps";

const ADA: Agent = { id: "agent-ada", name: "Ada" };
const BOB: Agent = { id: "agent-bob", name: "Bob" };
const TIMEOUT_MS = 120_000;

describeEachDatabase("human handoff", (database) => {
  let deps: ChatDeps;
  let bus: MemoryEventBus;
  let clock: number;
  let visitorId: string;
  let sessionId: string;
  const owned = () => ({ id: sessionId, visitor_id: visitorId });
  const said = (message: string) => ({ session_id: sessionId, visitor_id: visitorId, message });

  beforeEach(async () => {
    clock = Date.parse("2026-11-26T10:00:00.000Z");
    bus = new MemoryEventBus();
    deps = testDeps(database(), {
      responder: new ScriptedResponder(["Bot", " reply"]),
      events: bus,
      now: () => new Date(clock),
      config: testConfig({ handoffTimeoutMs: TIMEOUT_MS }),
    });
    await deps.db.agentPresence.deleteMany({});
    // Earlier tests' sessions leave the queue: each test sees only its own waiting sessions.
    await deps.db.session.updateMany({ where: { mode: "waiting" }, data: { mode: "bot" } });
    const visitor = await createVisitor(deps, {});
    visitorId = visitor.id;
    sessionId = (await createSession(deps, { visitor_id: visitorId })).id;
  });

  /** Events published on the bus for this session from now on. */
  function record(): SessionEvent[] {
    const events: SessionEvent[] = [];
    bus.subscribe(sessionId, (event) => events.push(event));
    return events;
  }

  const mode = async () => (await deps.db.session.findUniqueOrThrow({ where: { id: sessionId } })).mode;

  it("moves bot → waiting → agent → bot → closed, publishing session.updated with mode and agent name", async () => {
    const events = record();
    await agentHeartbeat(deps, ADA);
    const asked = await requestHandoff(deps, owned());
    expect(asked).toMatchObject({ status: "waiting", agents_online: 1, session: { mode: "waiting" } });
    expect(asked.timeout_at).toBe(new Date(clock + TIMEOUT_MS).toISOString());
    expect((await requestHandoff(deps, owned())).status).toBe("waiting"); // asking again changes nothing

    const claimed = await claimSession(deps, sessionId, ADA);
    expect(claimed).toMatchObject({ mode: "agent", agent_id: ADA.id, agent_name: "Ada" });
    expect(claimed.handoff_requested_at).toBeNull();
    expect((await claimSession(deps, sessionId, ADA)).mode).toBe("agent"); // idempotent for the holder

    expect((await releaseSession(deps, sessionId)).mode).toBe("bot");
    expect((await closeSession(deps, sessionId)).mode).toBe("closed");

    const updates = events.filter((event) => event.type === "session.updated");
    expect(updates.map((event) => (event.data as { mode: string }).mode)).toEqual([
      "waiting",
      "agent",
      "bot",
      "closed",
    ]);
    expect(updates[1]!.data).toMatchObject({ agent_name: "Ada" });
  });

  it("refuses: another agent's claim, claiming or releasing a closed session, replying without a claim", async () => {
    await claimSession(deps, sessionId, ADA);
    await expect(claimSession(deps, sessionId, BOB)).rejects.toMatchObject({
      code: "SESSION_CLAIMED_BY_ANOTHER_AGENT",
      httpStatus: 409,
      message: expect.stringContaining("Ada is already handling"),
    });
    await expect(sendAgentMessage(deps, { id: sessionId, message: "hi" }, BOB)).rejects.toMatchObject({
      code: "SESSION_CLAIMED_BY_ANOTHER_AGENT",
    });
    await releaseSession(deps, sessionId);
    await expect(sendAgentMessage(deps, { id: sessionId, message: "hi" }, ADA)).rejects.toMatchObject({
      code: "SESSION_NOT_CLAIMED",
      httpStatus: 409,
    });
    await closeSession(deps, sessionId);
    for (const attempt of [
      () => claimSession(deps, sessionId, ADA),
      () => releaseSession(deps, sessionId),
      () => sendAgentMessage(deps, { id: sessionId, message: "hi" }, ADA),
    ]) {
      await expect(attempt()).rejects.toMatchObject({
        code: "SESSION_CLOSED",
        httpStatus: 409,
        message: expect.stringContaining("reopens in bot mode when the visitor writes again"),
      });
    }
    await expect(claimSession(deps, "00000000-0000-4000-8000-000000000000", ADA)).rejects.toMatchObject({
      code: "SESSION_NOT_FOUND",
    });
    await expect(claimSession(deps, "not-a-uuid", ADA)).rejects.toMatchObject({ code: "SESSION_NOT_FOUND" });
  });

  it("two agents claiming at once: exactly one wins", async () => {
    const results = await Promise.allSettled([
      claimSession(deps, sessionId, ADA),
      claimSession(deps, sessionId, BOB),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(1);
  });

  it("keeps the bot silent in waiting and agent mode: the visitor's message is stored and published, no reply", async () => {
    const responder = deps.responder as ScriptedResponder;
    const events = record();
    for (const state of ["waiting", "agent"] as const) {
      if (state === "waiting") {
        await agentHeartbeat(deps, ADA);
        await requestHandoff(deps, owned());
      } else {
        await claimSession(deps, sessionId, ADA);
      }
      const output = await chat(deps, said(`hello in ${state}`));
      expect(output.assistant_message).toBeNull();
      expect(output.user_message).toMatchObject({ role: "user", content: `hello in ${state}` });

      const streamed = [];
      const started = await openChat(deps, said(`streamed in ${state}`));
      for await (const event of chatStreamEvents(started)) streamed.push(event);
      expect(streamed).toEqual([
        { type: "start", user_message: expect.objectContaining({ role: "user" }), assistant_message: null },
      ]);
    }
    expect(responder.calls).toHaveLength(0);
    const rows = await deps.db.message.findMany({ where: { session_id: sessionId } });
    // The claim wrote its visible step ("Ada joined"); the assistant wrote nothing.
    expect(rows.filter((row) => row.role !== "system").map((row) => row.role)).toEqual([
      "user",
      "user",
      "user",
      "user",
    ]);
    expect(rows.filter((row) => row.role === "system").map((row) => row.kind)).toEqual(["agent_joined"]);
    const created = events.filter(
      (event) => event.type === "message.created" && event.data.role !== "system",
    );
    expect(created).toHaveLength(4);
  });

  it("a closed session's visitor message reopens it in bot mode and the bot answers", async () => {
    await closeSession(deps, sessionId);
    const output = await chat(deps, said("are you there?"));
    expect(output.assistant_message).toMatchObject({ role: "assistant", content: "Bot reply" });
    expect(await mode()).toBe("bot");
  });

  it("delivers agent messages (role agent, author_name) to a visitor following the session, in order", async () => {
    await claimSession(deps, sessionId, ADA);
    const controller = new AbortController();
    const follower = followSession({
      bus,
      sessionId,
      snapshot: () => Promise.resolve([]),
      signal: controller.signal,
    });
    const received: SessionEvent[] = [];
    const reading = (async () => {
      for await (const event of follower) {
        received.push(event);
        if (received.filter((e) => e.type === "message.created").length === 3) break;
      }
    })();
    // The follower subscribes when first read: give it a turn before publishing.
    await new Promise((resolve) => setImmediate(resolve));
    await sendAgentMessage(deps, { id: sessionId, message: "Hi, I'm Ada." }, ADA);
    await chat(deps, said("Hi Ada"));
    await sendAgentMessage(deps, { id: sessionId, message: "How can I help?" }, ADA);
    await reading;
    controller.abort();
    const created = received.filter((event) => event.type === "message.created");
    expect(created.map((event) => event.data)).toEqual([
      expect.objectContaining({ role: "agent", author_name: "Ada", content: "Hi, I'm Ada." }),
      expect.objectContaining({ role: "user", author_name: null, content: "Hi Ada" }),
      expect.objectContaining({ role: "agent", author_name: "Ada", content: "How can I help?" }),
    ]);
    const seqs = received.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const stored = await deps.db.message.findMany({
      where: { session_id: sessionId },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    expect(stored.map((row) => [row.role, row.author_name])).toEqual([
      ["system", "Ada"], // the claim's visible step: "Ada joined the conversation"
      ["agent", "Ada"],
      ["user", null],
      ["agent", "Ada"],
    ]);
  });

  it("presence: an agent is online while their heartbeat is recent, and not after leaving", async () => {
    expect(await agentsOnline(deps)).toBe(0);
    await agentHeartbeat(deps, ADA);
    await agentHeartbeat(deps, BOB);
    expect(await agentsOnline(deps)).toBe(2);
    clock += PRESENCE_TTL_MS - 1;
    await agentHeartbeat(deps, BOB);
    expect(await agentsOnline(deps)).toBe(2);
    clock += 2;
    expect(await agentsOnline(deps)).toBe(1); // Ada's heartbeat is too old
    await agentLeft(deps, BOB);
    expect(await agentsOnline(deps)).toBe(0);
  });

  it("nobody online: the request stays with the bot and reads unavailable (the widget offers an email)", async () => {
    const events = record();
    const asked = await requestHandoff(deps, owned());
    expect(asked).toMatchObject({ status: "unavailable", agents_online: 0, timeout_at: null });
    expect(asked.session.mode).toBe("bot");
    expect(asked.session.handoff_requested_at).not.toBeNull();
    expect(events.some((event) => event.type === "session.updated")).toBe(true);
    const output = await chat(deps, said("still there?"));
    expect(output.assistant_message?.content).toBe("Bot reply");

    const visitor = await setVisitorEmail(deps, { id: visitorId, email: "ada@example.com" });
    expect(visitor.email).toBe("ada@example.com");
    await expect(setVisitorEmail(deps, { id: "not-a-uuid", email: "a@b.co" })).rejects.toMatchObject({
      code: "VISITOR_NOT_FOUND",
    });
  });

  it("times out a request nobody claimed within the timeout (injected clock): back to the bot, unavailable", async () => {
    await agentHeartbeat(deps, ADA);
    await requestHandoff(deps, owned());
    clock += TIMEOUT_MS - 1;
    expect((await getHandoffState(deps, owned())).status).toBe("waiting");
    const events = record();
    clock += 1;
    const state = await getHandoffState(deps, owned());
    expect(state).toMatchObject({ status: "unavailable", session: { mode: "bot" } });
    expect(events.map((event) => [event.type, (event.data as { mode: string }).mode])).toEqual([
      ["session.updated", "bot"],
    ]);
    expect((await chat(deps, said("anyone?"))).assistant_message).not.toBeNull();
  });

  /** The handoff-timeout job on these deps, run by tick() only. */
  const timeoutJob = () =>
    startHandoffTimeoutJob({ getDeps: async () => deps, holder: "handoff-test", schedule: false });

  it("the timeout job times out every overdue request; a claim in time is not timed out", async () => {
    await agentHeartbeat(deps, ADA);
    await requestHandoff(deps, owned());
    const other = (await createSession(deps, { visitor_id: visitorId })).id;
    await requestHandoff(deps, { id: other, visitor_id: visitorId });
    await claimSession(deps, other, ADA);
    clock += TIMEOUT_MS + 1;
    const job = timeoutJob();
    try {
      expect(await job.tick()).toBe(1);
    } finally {
      await job.stop();
    }
    expect(await mode()).toBe("bot");
    expect((await deps.db.session.findUniqueOrThrow({ where: { id: other } })).mode).toBe("agent");
  });

  it("a waiting request times out with no inbox open: the job, not a heartbeat, sends it back to the bot", async () => {
    await agentHeartbeat(deps, ADA);
    await requestHandoff(deps, owned());
    await agentLeft(deps, ADA); // the only inbox closes: nobody sends a heartbeat from now on
    const events = record();
    const job = timeoutJob();
    try {
      clock += TIMEOUT_MS - 1;
      expect(await job.tick()).toBe(0);
      expect(await mode()).toBe("waiting");
      clock += 2;
      // A presence call is only presence now: it leaves the overdue request to the job.
      await agentHeartbeat(deps, BOB);
      expect(await mode()).toBe("waiting");
      await agentLeft(deps, BOB);
      expect(await job.tick()).toBe(1);
    } finally {
      await job.stop();
    }
    expect(await mode()).toBe("bot");
    expect(events.map((event) => [event.type, (event.data as { mode: string }).mode])).toEqual([
      ["session.updated", "bot"],
    ]);
    const state = await getHandoffState(deps, owned());
    expect(state).toMatchObject({ status: "unavailable", agents_online: 0, timeout_at: null });
  });

  it("the knowledge-base responder hands over when the visitor asks for a person", async () => {
    deps.responder = new KnowledgeBaseResponder(new KnowledgeBase(loadKnowledge("content/knowledge")), {
      chunkDelayMs: 0,
    });
    await agentHeartbeat(deps, ADA);
    const events = record();
    const output = await chat(deps, said("Can I talk to a person please?"));
    expect(output.assistant_message?.content).toContain("a person from our team");
    // The handover follows the stored reply: wait for its session.updated.
    const handedOver = () =>
      events.some(
        (event) => event.type === "session.updated" && (event.data as { mode: string }).mode === "waiting",
      );
    for (let i = 0; i < 500 && !handedOver(); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await mode()).toBe("waiting");
  });

  it("typing signals are published live and never kept for replay; another visitor is refused", async () => {
    const events = record();
    await visitorTyping(deps, { ...owned(), active: true });
    expect(events).toEqual([
      expect.objectContaining({ type: "typing", data: { role: "visitor", active: true } }),
    ]);
    expect((await bus.replay(sessionId, 0)).events.filter((event) => event.type === "typing")).toEqual([]);
    const stranger = await createVisitor(deps, {});
    await expect(
      visitorTyping(deps, { id: sessionId, visitor_id: stranger.id, active: true }),
    ).rejects.toMatchObject({ code: "SESSION_OF_ANOTHER_VISITOR" });
    await expect(requestHandoff(deps, { id: sessionId, visitor_id: stranger.id })).rejects.toMatchObject({
      code: "SESSION_OF_ANOTHER_VISITOR",
    });
  });

  it("an admin principal is an agent: a signed-in admin by account, a key by key with its agent_name", () => {
    expect(agentOf({ kind: "session", userId: "u1", email: "a@b.co", name: "Ada", role: "agent" })).toEqual({
      id: "u1",
      name: "Ada",
    });
    const key = {
      kind: "api_key",
      name: "Integration",
      apiKeyId: "k1",
      scope: "agent",
      agentName: null,
    } as const;
    expect(agentOf(key, "Zapier bot")).toEqual({ id: "api_key:k1", name: "Zapier bot" });
    // A key made for a named agent acts as that agent, whatever a call says.
    expect(agentOf({ ...key, agentName: "Bob" }, "Zapier bot")).toEqual({ id: "api_key:k1", name: "Bob" });
    expect(agentOf({ kind: "bootstrap_key" })).toEqual({ id: "bootstrap_key", name: "Support" });
  });
});

describe("the LLM responder's handoff tool", () => {
  it("is offered to the model; a call of it asks for a person and the reply says so", async () => {
    const fake = await startFakeLlm();
    try {
      const responder = new LlmResponder(
        {
          baseUrl: fake.baseUrl,
          model: "test-model",
          systemPrompt: "Test.",
          timeoutMs: 2_000,
          maxRetries: 0,
          historyMaxMessages: 20,
          historyMaxChars: 12_000,
          queryRewrite: "language",
          groundingPassages: 0,
        },
        new KnowledgeBase([]),
      );
      const ask = async (message: string) => {
        const reply = responder.reply({ history: [], message, signal: new AbortController().signal });
        let text = "";
        for await (const delta of reply.deltas) text += delta;
        return { text, handoff: reply.handoff?.() };
      };
      fake.queue({ kind: "tool", chunks: [], name: "handoff_to_person" });
      expect(await ask("I want a human")).toEqual({ text: HANDOFF_TEXT, handoff: true });
      expect(fake.requests[0]!.body.tools?.map((tool) => tool.function.name)).toEqual(["handoff_to_person"]);
      fake.queue({ kind: "stream", chunks: ["Just", " text"] });
      expect(await ask("hello")).toEqual({ text: "Just text", handoff: false });
    } finally {
      await fake.close();
    }
  });
});
