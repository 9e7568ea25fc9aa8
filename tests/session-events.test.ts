import { describe, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import type { SessionEvent } from "~/server/chat/events/event-types";
import { followSession, inProgress } from "~/server/chat/events/follow-session";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import { startChat } from "~/server/chat/messages/messages.service";
import { createSession, renameSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { describeEachDatabase } from "./helpers/databases";
import { ScriptedResponder } from "../testing/responders";

/** Collects events from a follower until `until` says stop (or the follower ends). */
async function collect(
  source: AsyncGenerator<SessionEvent>,
  until: (events: SessionEvent[]) => boolean,
): Promise<SessionEvent[]> {
  const events: SessionEvent[] = [];
  for await (const event of source) {
    events.push(event);
    if (until(events)) break;
  }
  return events;
}

const replyDone = (events: SessionEvent[]) =>
  events.some(
    (event) => event.type === "message.updated" && (event.data as { status: string }).status !== "streaming",
  );

describe("memory event bus", () => {
  it("gives strictly increasing sequences that stay increasing after a restart (clock-based start)", async () => {
    let now = 1_700_000_000_000;
    const first = new MemoryEventBus(undefined, () => now);
    const a = await first.publish("s", "typing", {});
    const b = await first.publish("s", "typing", {});
    expect(b.seq).toBeGreaterThan(a.seq);
    now += 1;
    const second = new MemoryEventBus(undefined, () => now);
    const c = await second.publish("s", "typing", {});
    expect(c.seq).toBeGreaterThan(b.seq);
    await first.close();
    await second.close();
  });

  it("keeps events for replay but not typing, trims by count and reports a resume it cannot cover", async () => {
    const bus = new MemoryEventBus({ keepMs: 60_000, maxEventsPerSession: 3 });
    const events = [];
    for (let i = 0; i < 5; i += 1)
      events.push(await bus.publish("s", "message.delta", { message_id: "m", text: `${i}` }));
    await bus.publish("s", "typing", { role: "visitor", active: true });
    const all = await bus.replay("s", 0);
    expect(all.events.map((event) => event.seq)).toEqual(events.slice(2).map((event) => event.seq));
    expect(all.complete).toBe(false);
    const covered = await bus.replay("s", events[1]!.seq);
    expect(covered.complete).toBe(true);
    expect(covered.events).toHaveLength(3);
    await bus.close();
  });

  it("picks the replies in progress from kept events", () => {
    const event = (seq: number, type: SessionEvent["type"], data: unknown): SessionEvent => ({
      seq,
      session_id: "s",
      type,
      data,
    });
    const kept = [
      event(1, "message.created", { id: "u", status: "complete" }),
      event(2, "message.created", { id: "a", status: "streaming" }),
      event(3, "message.delta", { message_id: "a", text: "x" }),
      event(4, "message.updated", { id: "a", status: "complete" }),
      event(5, "message.created", { id: "b", status: "streaming" }),
      event(6, "message.delta", { message_id: "b", text: "y" }),
    ];
    expect(inProgress(kept).map((e) => e.seq)).toEqual([5, 6]);
  });
});

describeEachDatabase("session events", (database) => {
  async function newChat(chunks: string[]) {
    const bus = new MemoryEventBus();
    const deps: ChatDeps = {
      db: database().db,
      dialect: database().dialect,
      responder: new ScriptedResponder(chunks),
      events: bus,
    };
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id });
    return { deps, bus, sessionId: session.id, visitorId: visitor.id };
  }
  const noSnapshot = () => Promise.resolve([]);

  it("publishes created, deltas whose text equals the stored content, updated, and the title", async () => {
    const chunks = ["One ", "two ", "three."];
    const { deps, bus, sessionId, visitorId } = await newChat(chunks);
    const controller = new AbortController();
    const follower = followSession({ bus, sessionId, snapshot: noSnapshot, signal: controller.signal });
    const collected = collect(follower, replyDone);
    // The follower subscribes on its first step: let it start before the chat.
    await new Promise((resolve) => setImmediate(resolve));
    const started = await startChat(deps, { session_id: sessionId, visitor_id: visitorId, message: "hello" });
    await started.run.outcome;
    const events = await collected;
    controller.abort();

    const seqs = events.map((event) => event.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(
      events.filter((e) => e.type === "message.created").map((e) => (e.data as { role: string }).role),
    ).toEqual(["user", "assistant"]);
    const text = events
      .filter((e) => e.type === "message.delta")
      .map((e) => (e.data as { text: string }).text)
      .join("");
    const stored = await database().db.message.findUniqueOrThrow({
      where: { id: started.assistantMessage.id },
    });
    expect(text).toBe(stored.content);
    expect(events.at(-1)).toMatchObject({
      type: "message.updated",
      data: { status: "complete", content: stored.content },
    });
    expect(
      events.some((e) => e.type === "session.updated" && (e.data as { title: string }).title === "hello"),
    ).toBe(true);
  });

  it("replays from every position of a finished reply with no gap and no duplicate", async () => {
    const { deps, bus, sessionId, visitorId } = await newChat(["a", "b", "c", "d"]);
    const started = await startChat(deps, { session_id: sessionId, visitor_id: visitorId, message: "q" });
    await started.run.outcome;
    await renameSession(deps, { id: sessionId, visitor_id: visitorId, title: "Renamed" });
    const { events: all } = await bus.replay(sessionId, 0);
    expect(all.length).toBeGreaterThan(6);
    // From every position but the last (after which nothing is left to replay but live events).
    for (const [index, from] of all.slice(0, -1).entries()) {
      const controller = new AbortController();
      const rest = await collect(
        followSession({
          bus,
          sessionId,
          lastEventId: from.seq,
          snapshot: noSnapshot,
          signal: controller.signal,
        }),
        (events) => events.length === all.length - index - 1,
      );
      controller.abort();
      expect(rest.map((event) => event.seq)).toEqual(all.slice(index + 1).map((event) => event.seq));
    }
    expect((await bus.replay(sessionId, all.at(-1)!.seq)).events).toEqual([]);
  });

  it("a first connection mid-reply gets that reply from its start, then the rest live", async () => {
    const { deps, bus, sessionId, visitorId } = await newChat(["x", "y", "z"]);
    const responder = deps.responder as ScriptedResponder;
    let release!: () => void;
    responder.holdUntil(new Promise<void>((resolve) => (release = resolve)));
    const started = await startChat(deps, { session_id: sessionId, visitor_id: visitorId, message: "q" });
    const controller = new AbortController();
    const collected = collect(
      followSession({ bus, sessionId, snapshot: noSnapshot, signal: controller.signal }),
      replyDone,
    );
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await started.run.outcome;
    const events = await collected;
    controller.abort();
    expect(events[0]).toMatchObject({ type: "message.created", data: { id: started.assistantMessage.id } });
    expect(
      events
        .filter((e) => e.type === "message.delta")
        .map((e) => (e.data as { text: string }).text)
        .join(""),
    ).toBe("xyz");
  });

  it("sends a snapshot when the resume is older than what is kept", async () => {
    const { bus, sessionId } = await newChat([]);
    await bus.publish(sessionId, "typing", { role: "visitor", active: true });
    const controller = new AbortController();
    const events = await collect(
      followSession({
        bus,
        sessionId,
        lastEventId: 1,
        snapshot: () => Promise.resolve([{ type: "message.updated", data: { id: "m", status: "complete" } }]),
        signal: controller.signal,
      }),
      (got) => got.length === 1,
    );
    controller.abort();
    expect(events[0]).toMatchObject({ type: "message.updated", data: { id: "m" } });
  });
});
