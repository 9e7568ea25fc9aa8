/**
 * Auto-assignment (issue 26, item 3), on both databases: off by default; round robin among online team members;
 * each agent's capacity respected; requests that find everyone full wait in order (FIFO) and the oldest is assigned
 * as soon as a place frees up (close, release, a pass to a colleague, an agent coming online) — never forgotten,
 * never timed out while queued; two instances (two database clients) assigning at once never assign a request twice
 * nor exceed a capacity.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAdminSessions } from "~/server/admin/sessions/session-admin.service";
import {
  getWidgetSettings,
  publicWidgetSettings,
  getStoredWidgetSettings,
  updateWidgetSettings,
} from "~/server/admin/settings/widget-settings.service";
import { updateWidgetSettingsInputSchema } from "~/server/admin/settings/widget-settings.schema";
import { updateUser } from "~/server/admin/users/users.service";
import type { ChatDeps } from "~/server/chat/deps";
import type { SessionEvent } from "~/server/chat/events/event-types";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import { assignPass, autoAssign, pickAgent } from "~/server/chat/handoff/auto-assign";
import { nextMode, type Agent } from "~/server/chat/handoff/handoff-rules";
import {
  agentHeartbeat,
  assignSession,
  closeSession,
  expireWaiting,
  releaseSession,
  requestHandoff,
} from "~/server/chat/handoff/handoff.service";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { openDatabase, type Database } from "~/server/db/client";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./helpers/databases";
import { TEST_BY, testConfig, testDeps } from "./helpers/deps";

const TIMEOUT_MS = 120_000;
const ADA: Agent = { id: "u1-ada", name: "Ada" };
const BOB: Agent = { id: "u2-bob", name: "Bob" };
const CY: Agent = { id: "u3-cy", name: "Cy" };

describe("the auto-assignment rules", () => {
  it("auto_assign takes only a waiting request (a claimed or closed one is left as it is)", () => {
    const state = (mode: "bot" | "waiting" | "agent" | "closed") => ({
      mode,
      agent_id: null,
      agent_name: null,
    });
    expect(nextMode(state("waiting"), { kind: "auto_assign", agent: ADA })).toEqual({
      mode: "agent",
      agent_id: ADA.id,
      agent_name: "Ada",
    });
    for (const mode of ["bot", "agent", "closed"] as const)
      expect(nextMode(state(mode), { kind: "auto_assign", agent: ADA })).toBeNull();
  });

  it("the settings refuse a bad capacity field by field", () => {
    for (const [value, message] of [
      [0, "agent_capacity must be at least 1"],
      [51, "agent_capacity must be at most 50"],
      [2.5, "agent_capacity must be a whole number"],
      ["3", "agent_capacity must be a whole number"],
    ] as const) {
      const parsed = updateWidgetSettingsInputSchema.safeParse({ agent_capacity: value });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: ["agent_capacity"], message });
    }
    const flag = updateWidgetSettingsInputSchema.safeParse({ auto_assign: "yes" });
    expect(flag.error?.issues[0]).toMatchObject({
      path: ["auto_assign"],
      message: "auto_assign must be true or false",
    });
  });

  it("round robin among those with room: never assigned first, then the longest ago", () => {
    const at = (ms: number | null) => (ms === null ? null : new Date(ms));
    const candidates = [
      { ...ADA, load: 1, capacity: null, lastAssignedAt: at(300) },
      { ...BOB, load: 3, capacity: null, lastAssignedAt: at(100) },
      { ...CY, load: 0, capacity: null, lastAssignedAt: at(200) },
    ];
    expect(pickAgent(candidates, 3)?.id).toBe(CY.id); // Bob is full
    expect(pickAgent(candidates, 4)?.id).toBe(BOB.id);
    expect(
      pickAgent([{ ...ADA, load: 0, capacity: null, lastAssignedAt: null }, ...candidates.slice(1)], 4)?.id,
    ).toBe(ADA.id);
    expect(pickAgent(candidates, 1)?.id).toBe(CY.id);
    expect(pickAgent(candidates.slice(0, 2), 1)).toBeUndefined();
    // A person's own capacity wins over the team's, both ways.
    expect(pickAgent([{ ...candidates[1]!, capacity: 5 }, candidates[2]!], 3)?.id).toBe(BOB.id);
    expect(pickAgent([candidates[0]!, { ...candidates[2]!, capacity: 0 }], 3)?.id).toBe(ADA.id);
  });
});

for (const dialect of dialectsUnderTest()) {
  describe(`auto-assignment [${dialect}]`, () => {
    let testDatabase: TestDatabase;
    /** Two instances of the app: each its own database client (pool) on the same database. */
    let first: Database;
    let second: Database;
    let deps: ChatDeps;
    let other: ChatDeps;
    let bus: MemoryEventBus;
    let clock: number;

    beforeAll(async () => {
      testDatabase = await createTestDatabase(dialect);
      first = await openDatabase(testDatabase.url);
      // SQLite is for one instance (docs/deploy.md): there the "instances" share the client and race in process.
      second = dialect === "sqlite" ? first : await openDatabase(testDatabase.url);
      for (const [index, agent] of [ADA, BOB, CY].entries())
        await first.db.adminUser.create({
          data: {
            id: agent.id,
            name: agent.name,
            email: `${agent.id}@example.com`,
            role: index === 0 ? "admin" : "agent",
          },
        });
      await first.db.adminUser.create({
        data: { id: "u4-off", name: "Off", email: "off@example.com", role: "agent", disabledAt: new Date() },
      });
    }, 60_000);

    afterAll(async () => {
      await first?.close();
      if (second !== first) await second?.close();
      await testDatabase?.drop();
    });

    beforeEach(async () => {
      clock = Date.parse("2026-12-06T10:00:00.000Z");
      bus = new MemoryEventBus();
      const config = testConfig({ handoffTimeoutMs: TIMEOUT_MS });
      const now = () => new Date(clock);
      deps = testDeps(first, { events: bus, now, config });
      other = testDeps(second, { events: new MemoryEventBus(), now, config });
      await deps.db.agentPresence.deleteMany({});
      await deps.db.session.updateMany({
        where: { mode: { in: ["waiting", "agent"] } },
        data: { mode: "closed" },
      });
      await deps.db.widgetSettings.deleteMany({});
      await deps.db.adminUser.updateMany({ data: { capacity: null } });
    });

    const setAssignment = (auto_assign: boolean, agent_capacity = 3) =>
      deps.db.widgetSettings.upsert({
        where: { id: 1 },
        create: { id: 1, auto_assign, agent_capacity },
        update: { auto_assign, agent_capacity },
      });

    /** A visitor's new conversation asking for a person, a second later than the previous one. */
    async function request(on: ChatDeps = deps): Promise<string> {
      clock += 1_000;
      const visitor = await createVisitor(on, {});
      const session = await createSession(on, { visitor_id: visitor.id });
      await requestHandoff(on, { id: session.id, visitor_id: visitor.id });
      return session.id;
    }

    const holder = async (id: string) => {
      const row = await deps.db.session.findUniqueOrThrow({ where: { id } });
      return row.mode === "agent" ? row.agent_id : row.mode;
    };

    it("is off by default: a request waits for a claim, and the settings say so", async () => {
      const settings = await getWidgetSettings(deps, "");
      expect(settings).toMatchObject({ auto_assign: false, agent_capacity: 3 });
      // The team's settings, not the visitors': never in the widget's public settings.
      const visitors = publicWidgetSettings(await getStoredWidgetSettings(deps));
      expect(visitors).not.toHaveProperty("auto_assign");
      expect(visitors).not.toHaveProperty("agent_capacity");
      await agentHeartbeat(deps, ADA);
      const id = await request();
      expect(await holder(id)).toBe("waiting");
      expect(await autoAssign(deps)).toBe(0);
      expect(await holder(id)).toBe("waiting");
    });

    it("saved in the settings: round robin among online agents, each told live (session.updated, agent_joined)", async () => {
      await updateWidgetSettings(deps, { auto_assign: true, agent_capacity: 3 }, "test", "", TEST_BY);
      for (const agent of [ADA, BOB, CY]) await agentHeartbeat(deps, agent);
      const events: SessionEvent[] = [];
      const ids: string[] = [];
      for (let index = 0; index < 4; index += 1) {
        const visitor = await createVisitor(deps, {});
        const session = await createSession(deps, { visitor_id: visitor.id });
        bus.subscribe(session.id, (event) => events.push(event));
        clock += 1_000;
        const state = await requestHandoff(deps, { id: session.id, visitor_id: visitor.id });
        expect(state.status).toBe("agent");
        ids.push(session.id);
      }
      expect(await Promise.all(ids.map(holder))).toEqual([ADA.id, BOB.id, CY.id, ADA.id]);
      const assigned = events.filter(
        (event) => event.type === "session.updated" && event.data.mode === "agent",
      );
      expect(assigned.map((event) => event.type === "session.updated" && event.data.agent_name)).toEqual([
        "Ada",
        "Bob",
        "Cy",
        "Ada",
      ]);
      const steps = await deps.db.message.findMany({
        where: { session_id: { in: ids }, role: "system" },
        select: { session_id: true, author_name: true },
      });
      expect(steps).toHaveLength(4);
    });

    it("respects the capacity; full: requests wait in order and the oldest gets the first place that frees up", async () => {
      await setAssignment(true, 1);
      await agentHeartbeat(deps, ADA);
      await agentHeartbeat(deps, BOB);
      const [one, two, three, four, five] = [
        await request(),
        await request(),
        await request(),
        await request(),
        await request(),
      ];
      expect([await holder(one!), await holder(two!)]).toEqual([ADA.id, BOB.id]);
      expect(await holder(three!)).toBe("waiting");
      expect(await holder(four!)).toBe("waiting");
      // Queued, not forgotten: past the handoff timeout they still wait (and the inbox still lists them).
      clock += TIMEOUT_MS * 2;
      await agentHeartbeat(deps, ADA);
      await agentHeartbeat(deps, BOB);
      expect(await expireWaiting(deps)).toBe(0);
      const waiting = await listAdminSessions(deps, { mode: "waiting", limit: 10, status: "any" }, ADA.id);
      expect(waiting.items.map((item) => item.id).sort()).toEqual([three!, four!, five!].sort());
      // Ada closes hers: the oldest waiting request (three) is hers at once.
      await closeSession(deps, one!, TEST_BY);
      expect(await holder(three!)).toBe(ADA.id);
      expect(await holder(four!)).toBe("waiting");
      // Bob hands his back to the bot: four is his.
      await releaseSession(deps, two!, TEST_BY);
      expect(await holder(four!)).toBe(BOB.id);
      // Bob passes four to Ada (a manual pass may exceed her capacity); his place goes to five.
      await assignSession(deps, four!, ADA, TEST_BY);
      expect(await holder(five!)).toBe(BOB.id);
    });

    it("a person's own capacity (set on the team page) wins over the team's, and is audited", async () => {
      await setAssignment(true, 1);
      const updated = await updateUser(deps, { id: ADA.id, capacity: 3 }, TEST_BY);
      expect(updated.capacity).toBe(3);
      await agentHeartbeat(deps, ADA);
      await agentHeartbeat(deps, BOB);
      const ids = [await request(), await request(), await request(), await request(), await request()];
      const holders = await Promise.all(ids.map(holder));
      // Ada takes three, Bob (the team's 1) one; the fifth waits.
      expect(holders.filter((id) => id === ADA.id)).toHaveLength(3);
      expect(holders.filter((id) => id === BOB.id)).toHaveLength(1);
      expect(holders.at(-1)).toBe("waiting");
      // Back to the team's capacity: nobody loses a conversation, and the next free place is Bob's again.
      expect((await updateUser(deps, { id: ADA.id, capacity: null }, TEST_BY)).capacity).toBeNull();
      expect(holders.filter((id) => id === ADA.id)).toHaveLength(3);
      const audit = await deps.db.auditEntry.findMany({
        where: { action: "user.capacity_changed", object_id: ADA.id },
        orderBy: { created_at: "asc" },
      });
      expect(audit.map((row) => row.detail)).toEqual([{ capacity: 3 }, { capacity: null }]);
    });

    it("an agent coming online takes the waiting request; others' presence (keys, disabled users) never does", async () => {
      await setAssignment(true, 1);
      await agentHeartbeat(deps, ADA);
      const hers = await request();
      expect(await holder(hers)).toBe(ADA.id);
      await agentHeartbeat(deps, { id: "api_key:k1", name: "Bridge" });
      await agentHeartbeat(deps, { id: "u4-off", name: "Off" });
      const queued = await request();
      expect(await holder(queued)).toBe("waiting");
      await agentHeartbeat(deps, CY);
      expect(await holder(queued)).toBe(CY.id);
    });

    it("turned off: waiting requests stay for a claim and time out as before", async () => {
      await setAssignment(true, 1);
      await agentHeartbeat(deps, ADA);
      await request();
      const queued = await request();
      await setAssignment(false, 1);
      await closeSession(
        deps,
        (await deps.db.session.findFirstOrThrow({ where: { agent_id: ADA.id, mode: "agent" } })).id,
        TEST_BY,
      );
      expect(await holder(queued)).toBe("waiting");
      clock += TIMEOUT_MS + 1_000;
      expect(await expireWaiting(deps)).toBe(1);
    });

    it("two instances assigning at once: no request assigned twice, no capacity exceeded", async () => {
      await setAssignment(false);
      await agentHeartbeat(deps, ADA);
      await agentHeartbeat(deps, BOB);
      const ids: string[] = [];
      for (let index = 0; index < 10; index += 1) ids.push(await request(index % 2 ? other : deps));
      await setAssignment(true, 2);
      // Passes on one instance fold into one (autoAssign); bare passes race for the lease: one holder assigns all.
      const passes = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          index % 3 === 0 ? assignPass(deps) : autoAssign(index % 2 ? other : deps),
        ),
      );
      expect(passes.some((count) => count === 4)).toBe(true);
      expect(passes.every((count) => count === 0 || count === 4)).toBe(true);
      const rows = await deps.db.session.findMany({
        where: { id: { in: ids } },
        orderBy: [{ created_at: "asc" }, { id: "asc" }],
      });
      const byAgent = (id: string) =>
        rows.filter((row) => row.mode === "agent" && row.agent_id === id).length;
      expect(byAgent(ADA.id)).toBe(2);
      expect(byAgent(BOB.id)).toBe(2);
      // FIFO: the four oldest requests were the ones assigned.
      expect(rows.map((row) => row.mode)).toEqual([...Array(4).fill("agent"), ...Array(6).fill("waiting")]);
      // Each assignment happened once: one "joined" step per assigned conversation.
      const steps = await deps.db.message.count({ where: { session_id: { in: ids }, role: "system" } });
      expect(steps).toBe(4);
    });

    it("requests arriving at once on two instances: each assigned once, capacities held", async () => {
      await setAssignment(true, 2);
      for (const agent of [ADA, BOB, CY]) await agentHeartbeat(deps, agent);
      const visitors = await Promise.all(
        Array.from({ length: 9 }, async (_, index) => {
          const on = index % 2 ? other : deps;
          const visitor = await createVisitor(on, {});
          const session = await createSession(on, { visitor_id: visitor.id });
          return { on, id: session.id, visitor_id: visitor.id };
        }),
      );
      await Promise.all(visitors.map(({ on, id, visitor_id }) => requestHandoff(on, { id, visitor_id })));
      // A pass that found the lease busy left the rest to the next trigger: a heartbeat.
      await agentHeartbeat(deps, ADA);
      const rows = await deps.db.session.findMany({ where: { id: { in: visitors.map((v) => v.id) } } });
      for (const agent of [ADA, BOB, CY])
        expect(rows.filter((row) => row.mode === "agent" && row.agent_id === agent.id)).toHaveLength(2);
      expect(rows.filter((row) => row.mode === "waiting")).toHaveLength(3);
      const steps = await deps.db.message.count({
        where: { session_id: { in: rows.map((row) => row.id) }, role: "system" },
      });
      expect(steps).toBe(6);
    });
  });
}
