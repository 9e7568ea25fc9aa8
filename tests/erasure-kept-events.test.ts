/**
 * Erasing a visitor drops its sessions' kept events and keeps them dropped: a reply still streaming for one of
 * them (its deltas published after the erasure, before its next save fails) writes nothing back — on the memory
 * bus and in Redis (no key of the session is left), on both databases.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, expect, it } from "vitest";
import type { EventBus } from "~/server/chat/events/bus";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import { RedisEventBus } from "~/server/chat/events/redis-bus";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { eraseVisitor } from "~/server/chat/visitors/erase-visitor";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

const REDIS_URL = "redis://127.0.0.1:6379";

describeEachDatabase("erasure and kept events", (database) => {
  const redis = new Redis(REDIS_URL);
  const closing: EventBus[] = [];
  afterAll(async () => {
    await Promise.all(closing.map((bus) => bus.close()));
    redis.disconnect();
  });

  it.each(["memory", "redis"] as const)(
    "a reply's deltas published after the erasure are not kept (%s bus)",
    async (kind) => {
      const prefix = `erasure-${randomUUID()}`;
      const bus =
        kind === "memory" ? new MemoryEventBus() : new RedisEventBus({ url: REDIS_URL, keyPrefix: prefix });
      closing.push(bus);
      const deps = testDeps(database(), { events: bus });
      const visitor = await createVisitor(deps, {});
      const session = await createSession(deps, { visitor_id: visitor.id });
      const delta = (text: string) =>
        bus.publish(session.id, "message.delta", { id: randomUUID(), text } as never);
      await delta("before ");
      expect((await bus.replay(session.id, 0)).events.length).toBeGreaterThan(0);

      await eraseVisitor(deps, visitor.id);
      // The reply still running writes on until its next save fails.
      for (let index = 0; index < 20; index += 1) await delta(`after ${index} `);

      expect((await bus.replay(session.id, 0)).events).toEqual([]);
      if (kind === "redis") {
        const left = await redis.keys(`${prefix}:session:{${session.id}}:*`);
        // Only the tombstone that keeps it dropped, which expires with the retention.
        expect(left).toEqual([`${prefix}:session:{${session.id}}:forgotten`]);
      }
    },
  );
});
