import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import type { SessionEvent, SessionEventBody } from "~/server/chat/events/event-types";
import { catchUpIds, followSession, inProgress } from "~/server/chat/events/follow-session";
import { ALL_SESSIONS, type EventBus, type ReplayRetention } from "~/server/chat/events/bus";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import { RedisEventBus } from "~/server/chat/events/redis-bus";
import { sessionSnapshot, startChat } from "~/server/chat/messages/messages.service";
import { failStaleReplies } from "~/server/chat/messages/reply-lease";
import { createSession, renameSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { logger } from "~/server/observability/logger";
import { describeEachDatabase } from "./helpers/databases";
import { startTcpProxy } from "../testing/tcp-proxy";
import { ScriptedResponder } from "../testing/responders";
import { testDeps } from "./helpers/deps";

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

/** Redis at 127.0.0.1:6379, with a key prefix of its own per test run (nothing is shared with other runs). */
const REDIS_URL = "redis://127.0.0.1:6379";
const redisPrefix = `test-events-${randomUUID()}`;

/** Every bus test runs against both buses. */
const BUSES: { name: string; make: (retention?: ReplayRetention, now?: () => number) => EventBus }[] = [
  { name: "memory", make: (retention, now) => new MemoryEventBus(retention, now) },
  {
    name: "redis",
    make: (retention, now) => new RedisEventBus({ url: REDIS_URL, keyPrefix: redisPrefix, retention, now }),
  },
];

afterAll(async () => {
  // Drop what this run kept in Redis.
  const { Redis } = await import("ioredis");
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const replyDone = (events: SessionEvent[]) =>
  events.some(
    (event) => event.type === "message.updated" && (event.data as { status: string }).status !== "streaming",
  );

describe.each(BUSES)("$name event bus", ({ make }) => {
  it("gives strictly increasing sequences that stay increasing after a restart (clock-based start)", async () => {
    let now = Date.now();
    const s = randomUUID();
    const first = make(undefined, () => now);
    const a = await first.publish(s, "typing", { role: "visitor", active: true });
    const b = await first.publish(s, "typing", { role: "visitor", active: true });
    expect(b.seq).toBeGreaterThan(a.seq);
    now += 1;
    const second = make(undefined, () => now);
    const c = await second.publish(s, "typing", { role: "visitor", active: true });
    expect(c.seq).toBeGreaterThan(b.seq);
    await first.close();
    await second.close();
  });

  it("keeps events for replay but not typing, trims by count and reports a resume it cannot cover", async () => {
    const bus = make({ keepMs: 60_000, maxEventsPerSession: 3 });
    const s = randomUUID();
    const events = [];
    for (let i = 0; i < 5; i += 1)
      events.push(await bus.publish(s, "message.delta", { message_id: "m", text: `${i}` }));
    await bus.publish(s, "typing", { role: "visitor", active: true });
    const all = await bus.replay(s, 0);
    expect(all.events).toEqual(events.slice(2));
    expect(all.complete).toBe(false);
    expect(all.head).toBeGreaterThan(events.at(-1)!.seq);
    expect((await bus.replay(s, events[0]!.seq)).complete).toBe(false);
    const covered = await bus.replay(s, events[1]!.seq);
    expect(covered.complete).toBe(true);
    expect(covered.events).toHaveLength(3);
    await bus.close();
  });

  it("drops what is older than the retention and says a resume from before it is not covered", async () => {
    let now = Date.now();
    const bus = make({ keepMs: 10_000, maxEventsPerSession: 100 }, () => now);
    const s = randomUUID();
    const old = await bus.publish(s, "message.delta", { message_id: "m", text: "old" });
    now += 5_000;
    const kept = await bus.publish(s, "message.delta", { message_id: "m", text: "kept" });
    now += 6_000;
    const replay = await bus.replay(s, 0);
    expect(replay.events).toEqual([kept]);
    expect((await bus.replay(s, old.seq - 1)).complete).toBe(false);
    expect((await bus.replay(s, old.seq)).complete).toBe(true);
    await bus.close();
  });

  it("delivers live events from any instance to the session's and to every-session subscribers, in order; forget ends followers", async () => {
    const bus = make();
    const other = make();
    const s = randomUUID();
    const elsewhere = randomUUID();
    const mine: SessionEvent[] = [];
    const all: SessionEvent[] = [];
    let ended = 0;
    bus.subscribe(
      s,
      (event) => mine.push(event),
      () => (ended += 1),
    );
    bus.subscribe(ALL_SESSIONS, (event) => all.push(event));
    // Let the Redis subscriber connection be ready (replay waits for it).
    await bus.replay(s, 0);
    // The other instance publishes (a separate memory bus has its own subscribers: then publish on this one).
    const publisher = bus instanceof MemoryEventBus ? bus : other;
    const published = [];
    for (let i = 0; i < 20; i += 1)
      published.push(
        await publisher.publish(i % 2 ? s : elsewhere, "message.delta", { message_id: "m", text: `${i}` }),
      );
    await vi.waitFor(() => expect(all).toHaveLength(20));
    expect(all).toEqual(published);
    expect(mine).toEqual(published.filter((event) => event.session_id === s));
    await publisher.forget(s);
    await vi.waitFor(() => expect(ended).toBe(1));
    expect(await bus.replay(s, 0)).toEqual({ events: [], complete: false, head: 0 });
    expect((await bus.replay(elsewhere, 0)).events).toHaveLength(10);
    await bus.close();
    await other.close();
  });

  it("delivers only to the followed sessions, whatever their ids, and everything to an every-session subscriber added later", async () => {
    const bus = make();
    const other = make();
    const publisher = bus instanceof MemoryEventBus ? bus : other;
    // Ids that the channel's JSON escapes (quotes, backslashes, a unicode escape) next to a plain one.
    const odd = [`a"b-${randomUUID()}`, `c\\d-${randomUUID()}`, `e\\u0022f-é-${randomUUID()}`];
    const plain = randomUUID();
    const unfollowed = randomUUID();
    const got = new Map<string, SessionEvent[]>();
    for (const s of [...odd, plain]) bus.subscribe(s, (event) => got.set(s, [...(got.get(s) ?? []), event]));
    await bus.replay(plain, 0);
    const published: SessionEvent[] = [];
    for (const s of [unfollowed, ...odd, unfollowed, plain])
      published.push(await publisher.publish(s, "message.delta", { message_id: "m", text: s }));
    // The channel is in order: once the last (followed) event is here, the others were handled.
    await vi.waitFor(() => expect(got.get(plain)).toHaveLength(1));
    for (const s of [...odd, plain]) expect(got.get(s)).toEqual(published.filter((e) => e.session_id === s));
    expect(got.has(unfollowed)).toBe(false);
    // An every-session subscriber from now on gets the unfollowed session's events too.
    const all: SessionEvent[] = [];
    const stop = bus.subscribe(ALL_SESSIONS, (event) => all.push(event));
    const late = await publisher.publish(unfollowed, "message.delta", { message_id: "m", text: "late" });
    await vi.waitFor(() => expect(all).toEqual([late]));
    stop();
    await bus.close();
    await other.close();
  });

  it("gives a catch-up's frames distinct increasing ids, and a resume from any of them loses nothing", async () => {
    let now = Date.now() - 10_000;
    const bus = make({ keepMs: 60_000, maxEventsPerSession: 2 }, () => now);
    const s = randomUUID();
    const published: SessionEvent[] = [];
    for (let i = 0; i < 5; i += 1) {
      published.push(await bus.publish(s, "message.updated", { id: `e${i}` } as never));
      now += 1_000;
    }
    const head = published.at(-1)!.seq;
    const bodies = ["m1", "m2", "m3", "m4"].map((id) => ({
      type: "message.updated",
      data: { id, status: "complete" },
    })) as unknown as SessionEventBody[];
    const sinces: number[] = [];
    const snapshot = (sinceMs: number) => {
      sinces.push(sinceMs);
      return Promise.resolve(bodies);
    };
    const follow = (lastEventId: number, count: number) => {
      const controller = new AbortController();
      return collect(
        followSession({ bus, sessionId: s, lastEventId, snapshot, signal: controller.signal }),
        (got) => got.length === count,
      ).finally(() => controller.abort());
    };
    // The client's last id was trimmed since (only the last 2 events are kept): a catch-up of 4 frames.
    const catchUp = await follow(published[0]!.seq, 4);
    const ids = catchUp.map((event) => event.seq);
    expect(new Set(ids).size).toBe(4);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(ids[0]).toBeGreaterThan(published[0]!.seq);
    expect(ids.at(-1)).toBe(head);
    for (const id of ids) expect(String(id)).toMatch(/^\d{1,16}$/);
    // A resume from any frame but the last: the frames after it come again (a catch-up from the same time).
    for (const [index, id] of ids.slice(0, -1).entries()) {
      const again = await follow(id, 4);
      const rest = again.map((event) => (event.data as { id: string }).id);
      expect(rest).toEqual(
        expect.arrayContaining(bodies.slice(index + 1).map((b) => (b.data as { id: string }).id)),
      );
      expect(again.every((event) => event.seq > id)).toBe(true);
    }
    expect(new Set(sinces).size).toBe(1);
    // A resume from the last frame: no catch-up again, the next live event follows.
    const controller = new AbortController();
    const live = collect(
      followSession({ bus, sessionId: s, lastEventId: ids.at(-1)!, snapshot, signal: controller.signal }),
      (got) => got.length === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = await bus.publish(s, "message.updated", { id: "live" } as never);
    expect(await live).toEqual([next]);
    controller.abort();
    await bus.close();
  });

  it("treats a Last-Event-ID ahead of the session's sequence as from now: live events follow, ids stay 16 digits", async () => {
    const bus = make();
    const s = randomUUID();
    await bus.publish(s, "message.updated", { id: "before" } as never);
    const snapshot = vi.fn(() => Promise.resolve([] as SessionEventBody[]));
    for (const lastEventId of [Number("9999999999999999"), Date.now() * 1000 + 3_600_000_000]) {
      const controller = new AbortController();
      const live = collect(
        followSession({ bus, sessionId: s, lastEventId, snapshot, signal: controller.signal }),
        (got) => got.length === 1,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      const next = await bus.publish(s, "message.updated", { id: "live" } as never);
      const [event] = await live;
      controller.abort();
      expect(event).toEqual(next);
      expect(String(event!.seq)).toMatch(/^\d{1,16}$/);
    }
    expect(snapshot).not.toHaveBeenCalled();
    await bus.close();
  });

  it("numbers a catch-up below the kept floor, the last frame at the head", () => {
    expect(catchUpIds(100, 3, { head: 500, floor: 400 })).toEqual([101, 102, 500]);
    // Nothing kept at all (a restart without Redis): above the client's id, the last at after + count.
    expect(catchUpIds(100, 3, { head: 0 })).toEqual([101, 102, 103]);
    // No room below the floor (a burst trimmed right after the client's id): the rest share the last id.
    expect(catchUpIds(100, 4, { head: 500, floor: 102 })).toEqual([101, 500, 500, 500]);
    expect(catchUpIds(100, 0, { head: 500, floor: 400 })).toEqual([]);
  });

  it("picks the replies in progress from kept events", () => {
    const event = (seq: number, type: SessionEvent["type"], data: unknown): SessionEvent =>
      ({ seq, session_id: "s", type, data }) as SessionEvent;
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

describe("redis event bus through an outage", () => {
  it("fails publishes while Redis is away (logged once), then delivers (catching up what its subscriber missed) and keeps events again", async () => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: 6379 });
    const errors = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    const bus = new RedisEventBus({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: redisPrefix });
    try {
      const s = randomUUID();
      const received: SessionEvent[] = [];
      bus.subscribe(s, (event) => received.push(event));
      // Replay waits for the channel subscription: live delivery is on from here.
      await bus.replay(s, 0);
      const before = await bus.publish(s, "message.delta", { message_id: "m", text: "a" });
      await vi.waitFor(() => expect(received).toEqual([before]));

      await proxy.cut();
      await expect(bus.publish(s, "message.delta", { message_id: "m", text: "lost" })).rejects.toThrow();
      await expect(bus.publish(s, "message.delta", { message_id: "m", text: "lost" })).rejects.toThrow();
      const outageLogs = errors.mock.calls.filter((args) =>
        JSON.stringify(args).includes("Redis is unreachable"),
      );
      expect(outageLogs).toHaveLength(1);

      await proxy.restore();
      // ioredis reconnects (and subscribes again) by itself.
      const after = await vi.waitFor(() => bus.publish(s, "message.delta", { message_id: "m", text: "b" }), {
        timeout: 15_000,
        interval: 200,
      });
      expect(after.seq).toBeGreaterThan(before.seq);
      await vi.waitFor(() => expect(received.at(-1)).toEqual(after), { timeout: 15_000 });
      expect((await bus.replay(s, 0)).events).toEqual([before, after]);
    } finally {
      errors.mockRestore();
      await bus.close();
      await proxy.close();
    }
  }, 60_000);
});

describeEachDatabase("session events", (database) =>
  describe.each(BUSES)("$name bus", ({ make }) => {
    const buses: EventBus[] = [];
    afterAll(async () => {
      await Promise.all(buses.map((bus) => bus.close()));
    });
    async function newChat(chunks: string[]) {
      const bus = make();
      buses.push(bus);
      // A new Redis bus subscribes to its channel first (replay waits for it): followers then miss nothing.
      await bus.replay(randomUUID(), 0);
      const deps: ChatDeps = testDeps(database(), { responder: new ScriptedResponder(chunks), events: bus });
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
      const started = await startChat(deps, {
        session_id: sessionId,
        visitor_id: visitorId,
        message: "hello",
      });
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

    it("announces each change once: the reply's end is one message.updated, from its final save", async () => {
      const { deps, bus, sessionId, visitorId } = await newChat(["Just ", "once."]);
      const started = await startChat(deps, { session_id: sessionId, visitor_id: visitorId, message: "hi" });
      await started.run.outcome;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { events } = await bus.replay(sessionId, 0);
      const forReply = events.filter(
        (e) => e.type === "message.updated" && e.data.id === started.assistantMessage.id,
      );
      expect(forReply).toHaveLength(1);
      expect(forReply[0]).toMatchObject({ data: { status: "complete", content: "Just once." } });
      expect(events.map((e) => e.type)).toEqual([
        "message.created",
        "message.created",
        "session.updated",
        "message.delta",
        "message.delta",
        "message.updated",
      ]);
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

    it("the stale-reply sweep publishes the replies it fails, and a resume snapshot has them", async () => {
      const { deps, bus, sessionId, visitorId } = await newChat(["never"]);
      const responder = deps.responder as ScriptedResponder;
      let release!: () => void;
      responder.holdUntil(new Promise<void>((resolve) => (release = resolve)));
      const started = await startChat(deps, { session_id: sessionId, visitor_id: visitorId, message: "q" });
      const { head } = await bus.replay(sessionId, 0);
      const controller = new AbortController();
      const collected = collect(
        followSession({ bus, sessionId, lastEventId: head, snapshot: noSnapshot, signal: controller.signal }),
        replyDone,
      );
      await new Promise((resolve) => setImmediate(resolve));
      const later = new Date(Date.now() + 60_000);
      expect(await failStaleReplies(deps.db, later, { leaseMs: 1_000, events: bus })).toBeGreaterThanOrEqual(
        1,
      );
      const events = await collected;
      controller.abort();
      expect(events.at(-1)).toMatchObject({
        type: "message.updated",
        data: { id: started.assistantMessage.id, status: "failed" },
      });
      release();
      await started.run.outcome;
      // Saved now: a client resuming from before gets it in the snapshot of what changed.
      const snapshot = await sessionSnapshot(deps, sessionId)(Date.now() - 1_000);
      expect(snapshot).toContainEqual({
        type: "message.updated",
        data: expect.objectContaining({ id: started.assistantMessage.id, status: "failed" }) as unknown,
      });
      expect(snapshot.at(-1)).toMatchObject({ type: "session.updated", data: { id: sessionId } });
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
          snapshot: () =>
            Promise.resolve([
              { type: "message.updated", data: { id: "m", status: "complete" } },
            ] as unknown as SessionEventBody[]),
          signal: controller.signal,
        }),
        (got) => got.length === 1,
      );
      controller.abort();
      expect(events[0]).toMatchObject({ type: "message.updated", data: { id: "m" } });
    });
  }),
);
