/**
 * Revocation in process, on both buses and both databases: revokeApiKey (and any caller of revokePrincipal, e.g.
 * disabling a user) ends the admin event followers bound to that principal — on the same instance (memory bus)
 * and on another instance sharing Redis — and leaves every other caller's follower running.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { authenticateAdmin } from "~/server/admin/auth/admin-access";
import { revokePrincipal } from "~/server/admin/auth/revocation";
import { createApiKey, revokeApiKey } from "~/server/admin/api-keys/api-keys.service";
import { followInboxEvents } from "~/server/admin/inbox/follow-inbox";
import type { ChatDeps } from "~/server/chat/deps";
import type { EventBus } from "~/server/chat/events/bus";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import { RedisEventBus } from "~/server/chat/events/redis-bus";
import type { SessionEvent } from "~/server/chat/events/event-types";
import { ensureTestAdmin } from "../testing/admin";
import { bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps, TEST_BY } from "./helpers/deps";

const REDIS_URL = "redis://127.0.0.1:6379";

/** Follows until the follower ends by itself; resolves with what it delivered. */
function follow(deps: ChatDeps, headers: Headers, controller = new AbortController()) {
  const events: SessionEvent[] = [];
  const ended = (async () => {
    const principal = (await authenticateAdmin(deps, headers))!;
    for await (const event of followInboxEvents(deps, principal, headers, controller.signal))
      events.push(event);
    return events;
  })();
  return { events, ended, controller };
}

describeEachDatabase("revocation", (database) => {
  let adminId: string;
  const redisBuses: EventBus[] = [];
  beforeAll(async () => {
    adminId = await ensureTestAdmin(database());
  });
  afterAll(async () => {
    await Promise.all(redisBuses.map((bus) => bus.close()));
  });

  const buses: [string, () => [EventBus, EventBus]][] = [
    [
      "one instance (memory bus)",
      () => {
        const bus = new MemoryEventBus();
        return [bus, bus];
      },
    ],
    [
      "two instances (Redis)",
      () => {
        const keyPrefix = `revocation-${randomUUID()}`;
        const pair: [EventBus, EventBus] = [
          new RedisEventBus({ url: REDIS_URL, keyPrefix }),
          new RedisEventBus({ url: REDIS_URL, keyPrefix }),
        ];
        redisBuses.push(...pair);
        return pair;
      },
    ],
  ];

  it.each(buses)(
    "revoking a key ends its followers on %s, and only its own",
    async (_, make) => {
      const [busA, busB] = make();
      const onA = testDeps(database(), { events: busA });
      const onB = testDeps(database(), { events: busB });
      const revoked = await createApiKey(onA, { name: "revoked" }, adminId, TEST_BY);
      const kept = await createApiKey(onA, { name: "kept" }, adminId, TEST_BY);
      const revokedFollower = follow(onB, bearer(revoked.key));
      const keptFollower = follow(onB, bearer(kept.key));
      // Both live: an event published on A reaches both followers on B (once B listens on Redis).
      await busB.replay(randomUUID(), 0);
      await expect
        .poll(() => (busB as MemoryEventBus | RedisEventBus).subscriberCount(), { timeout: 5_000 })
        .toBe(2);
      await busA.publish(randomUUID(), "typing", { active: true } as never);
      await expect.poll(() => revokedFollower.events.length).toBe(1);
      await expect.poll(() => keptFollower.events.length).toBe(1);

      await revokeApiKey(onA, { id: revoked.api_key.id }, TEST_BY);
      expect(await revokedFollower.ended).toHaveLength(1);
      // The other key's follower keeps going until its client leaves.
      await busA.publish(randomUUID(), "typing", { active: true } as never);
      await expect.poll(() => keptFollower.events.length).toBe(2);
      keptFollower.controller.abort();
      expect(await keptFollower.ended).toHaveLength(2);
    },
    20_000,
  );

  it("a user's followers end when the user is revoked (disabling a user calls the same function)", async () => {
    const bus = new MemoryEventBus();
    const deps = testDeps(database(), { events: bus });
    const principal = {
      kind: "session" as const,
      userId: adminId,
      email: "a@example.com",
      name: "A",
      role: "admin" as const,
    };
    const controller = new AbortController();
    const ended = (async () => {
      const events: SessionEvent[] = [];
      for await (const event of followInboxEvents(deps, principal, new Headers(), controller.signal))
        events.push(event);
      return events;
    })();
    await expect.poll(() => bus.subscriberCount()).toBe(1);
    await revokePrincipal(deps, { kind: "user", id: adminId });
    expect(await ended).toEqual([]);
  });
});
