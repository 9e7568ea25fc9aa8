/**
 * What one event stream may hold (issue 24), through the real pieces of `GET /api/chats/sessions/{id}/events/`:
 * the follower (followSession), the SSE response (sseResponse) and each bus (in process, and Redis).
 * - A client that stops reading is dropped once `maxPending` events wait for it: the stream ends with a
 *   `: dropped: <reason>` comment, its bus subscription and its heartbeat are gone, nothing more is queued.
 *   Up to the bound it is kept (a client briefly behind is not dropped).
 * - One heartbeat timer for every stream of the process, gone with the last stream.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { EventBus } from "~/server/chat/events/bus";
import { followSession } from "~/server/chat/events/follow-session";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import { RedisEventBus } from "~/server/chat/events/redis-bus";
import { sessionEventFrame } from "~/server/rest/session-events";
import { heartbeatCount, sseResponse, StreamDropped } from "~/server/rest/sse";

const MAX_PENDING = 5;
const decoder = new TextDecoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type CountedBus = EventBus & { subscriberCount(): number };

const buses: [string, () => CountedBus][] = [
  ["in-process bus", () => new MemoryEventBus()],
  [
    "Redis bus",
    () => new RedisEventBus({ url: "redis://127.0.0.1:6379", keyPrefix: `test-limits-${randomUUID()}` }),
  ],
];

/** A session's event stream as the REST route builds it, with a small bound. */
function openStream(bus: EventBus, sessionId: string) {
  const controller = new AbortController();
  const events = followSession({
    bus,
    sessionId,
    snapshot: () => Promise.resolve([]),
    signal: controller.signal,
    limit: {
      maxPending: MAX_PENDING,
      onOverflow: (reason) => controller.abort(new StreamDropped(reason)),
    },
  });
  const response = sseResponse(events, sessionEventFrame, {
    name: "test stream",
    heartbeat: true,
    controller,
  });
  return { reader: response.body!.getReader(), controller };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Waits until the follower delivers live events (its replay is done): one event published and read. */
async function live(bus: CountedBus, sessionId: string, reader: ReadableStreamDefaultReader<Uint8Array>) {
  await until(() => bus.subscriberCount() === 1, "the subscription");
  // The follower reads what is kept after subscribing (a round trip to Redis): what is published meanwhile is
  // already covered by what it read. Give that read time, then publish.
  await sleep(300);
  await bus.publish(sessionId, "typing", { role: "visitor", active: false });
  expect(decoder.decode((await reader.read()).value)).toMatch(/^id: \d+\nevent: typing\n/);
}

for (const [name, makeBus] of buses) {
  describe(`a slow reader of a session's events [${name}]`, () => {
    let bus: CountedBus | undefined;
    afterEach(async () => {
      await bus?.close();
    });

    it(`is kept up to ${MAX_PENDING} waiting events, dropped with its reason beyond, and holds nothing after`, async () => {
      bus = makeBus();
      const sessionId = randomUUID();
      const { reader } = openStream(bus, sessionId);
      // The client reads the first comment; its read starts the follower (it subscribes).
      expect(decoder.decode((await reader.read()).value)).toBe(": connected\n\n");
      await live(bus, sessionId, reader);
      expect(heartbeatCount()).toBe(1);

      // Then it stops reading. One event fills the response's queue; MAX_PENDING more wait in the follower.
      for (let i = 0; i <= MAX_PENDING; i += 1)
        await bus.publish(sessionId, "typing", { role: "agent", active: true });
      await sleep(200);
      expect(bus.subscriberCount()).toBe(1);

      // One more: too slow.
      await bus.publish(sessionId, "typing", { role: "agent", active: false });
      await until(() => bus!.subscriberCount() === 0, "the follower to let go");
      expect(heartbeatCount()).toBe(0);

      // What the client finds when it reads again: what it had been sent, then the reason, then the end.
      let text = "";
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value);
      }
      expect(text.match(/^event: typing$/gm)).toHaveLength(1);
      expect(text).toMatch(
        new RegExp(
          `: dropped: the client did not read ${MAX_PENDING} events in time; reconnect with Last-Event-ID`,
        ),
      );
      // Events published after the drop go nowhere.
      await bus.publish(sessionId, "typing", { role: "agent", active: true });
      expect(bus.subscriberCount()).toBe(0);
    });

    it("a reader that keeps up is never dropped, and its stream ends when it cancels", async () => {
      bus = makeBus();
      const sessionId = randomUUID();
      const { reader, controller } = openStream(bus, sessionId);
      await reader.read();
      await live(bus, sessionId, reader);
      let received = 0;
      for (let i = 0; i < MAX_PENDING * 4; i += 1) {
        await bus.publish(sessionId, "typing", { role: "visitor", active: i % 2 === 0 });
        const chunk = await reader.read();
        if (decoder.decode(chunk.value).startsWith("id: ")) received += 1;
      }
      expect(received).toBe(MAX_PENDING * 4);
      expect(controller.signal.aborted).toBe(false);
      await reader.cancel();
      await until(() => bus!.subscriberCount() === 0, "the subscription to end");
      expect(heartbeatCount()).toBe(0);
    });
  });
}

describe("the heartbeat of the process's event streams", () => {
  it("is one timer for every stream, gone with the last one", async () => {
    const bus = new MemoryEventBus();
    const before = heartbeatCount();
    try {
      const streams = Array.from({ length: 50 }, () => openStream(bus, randomUUID()));
      expect(heartbeatCount() - before).toBe(50);
      await Promise.all(streams.map(({ reader }) => reader.cancel()));
      expect(heartbeatCount()).toBe(before);
    } finally {
      await bus.close();
    }
  });
});
