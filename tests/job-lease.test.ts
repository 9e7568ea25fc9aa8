import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLease, leaseHolder, releaseLease } from "~/server/jobs/lease";
import { openDatabase, type Database } from "~/server/db/client";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "./helpers/databases";

for (const dialect of dialectsUnderTest()) {
  describe(`job lease [${dialect}]`, () => {
    let testDatabase: TestDatabase;
    // Two instances: two clients (two pools / two SQLite handles) on the same database.
    let one: Database;
    let two: Database;
    beforeAll(async () => {
      testDatabase = await createTestDatabase(dialect);
      one = await openDatabase(testDatabase.url);
      two = await openDatabase(testDatabase.url);
    });
    afterAll(async () => {
      await one?.close();
      await two?.close();
      await testDatabase?.drop();
    });

    const t0 = new Date("2026-01-01T00:00:00.000Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);

    it("is held by the first holder; a second holder is refused until it expires", async () => {
      const name = "two-holders";
      expect(await acquireLease(one.db, { name, holder: "a", ttlMs: 10_000, now: t0 })).toBe(true);
      expect(await acquireLease(two.db, { name, holder: "b", ttlMs: 10_000, now: at(1_000) })).toBe(false);
      expect(await acquireLease(two.db, { name, holder: "b", ttlMs: 10_000, now: at(9_999) })).toBe(false);
      expect(await leaseHolder(two.db, name, at(5_000))).toBe("a");
      // Expired: b takes it over, and a is now refused.
      expect(await acquireLease(two.db, { name, holder: "b", ttlMs: 10_000, now: at(10_001) })).toBe(true);
      expect(await acquireLease(one.db, { name, holder: "a", ttlMs: 10_000, now: at(10_002) })).toBe(false);
      expect(await leaseHolder(one.db, name, at(10_002))).toBe("b");
    });

    it("is kept by renewing before it expires", async () => {
      const name = "renewal";
      expect(await acquireLease(one.db, { name, holder: "a", ttlMs: 1_000, now: t0 })).toBe(true);
      for (let tick = 1; tick <= 5; tick += 1) {
        // a renews every 800 ms (ttl 1 s): b never finds it expired.
        expect(await acquireLease(one.db, { name, holder: "a", ttlMs: 1_000, now: at(tick * 800) })).toBe(
          true,
        );
        expect(
          await acquireLease(two.db, { name, holder: "b", ttlMs: 1_000, now: at(tick * 800 + 500) }),
        ).toBe(false);
      }
      // a stops renewing: b gets it once the last renewal has run out.
      expect(await acquireLease(two.db, { name, holder: "b", ttlMs: 1_000, now: at(5 * 800 + 1_001) })).toBe(
        true,
      );
    });

    it("is free at once when its holder releases it; releasing someone else's lease does nothing", async () => {
      const name = "release";
      expect(await acquireLease(one.db, { name, holder: "a", ttlMs: 60_000, now: t0 })).toBe(true);
      await releaseLease(two.db, name, "b");
      expect(await acquireLease(two.db, { name, holder: "b", ttlMs: 60_000, now: at(1) })).toBe(false);
      await releaseLease(one.db, name, "a");
      expect(await leaseHolder(one.db, name, at(2))).toBeNull();
      expect(await acquireLease(two.db, { name, holder: "b", ttlMs: 60_000, now: at(3) })).toBe(true);
    });

    it("goes to exactly one of many holders racing for it, whether new or expired", async () => {
      // PostgreSQL: the racers go through two pools (several connections). SQLite: through one handle, as in a
      // server process (two better-sqlite3 handles in one process block each other's event loop on the file
      // lock; separate processes share the file through WAL and the busy timeout).
      const racer = (index: number) => (dialect === "postgresql" && index % 2 === 1 ? two : one);
      for (const round of [0, 1, 2]) {
        const name = `race-${round}`;
        if (round > 0) {
          // An expired lease left by a holder that died.
          await acquireLease(one.db, { name, holder: "dead", ttlMs: 1, now: at(-60_000) });
        }
        const holders = Array.from({ length: 8 }, (_, index) => `holder-${index}`);
        const results = await Promise.all(
          holders.map((holder, index) =>
            acquireLease(racer(index).db, { name, holder, ttlMs: 30_000, now: t0 }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = holders[results.indexOf(true)];
        expect(await leaseHolder(one.db, name, t0)).toBe(winner);
      }
    });
  });
}
