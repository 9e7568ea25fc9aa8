/**
 * Retention (RETENTION_DAYS) with an injected clock, on both databases: idle sessions go with their messages,
 * visitors left with nothing and unseen for as long go too, everything with recent activity stays; the job runs on
 * the one instance holding its lease in the database.
 */
import { beforeEach, expect, it } from "vitest";
import type { Db } from "~/server/db/client";
import { applyRetention } from "~/server/chat/retention/retention.service";
import { onVisitorErased } from "~/server/chat/visitors/erase-visitor";
import { leaseHolder } from "~/server/jobs/lease";
import { RETENTION_JOB, startRetentionJob } from "~/server/jobs/retention";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-06-30T12:00:00.000Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

describeEachDatabase("retention", (database) => {
  let db: Db;

  beforeEach(async () => {
    db = database().db;
    await db.attachment.deleteMany();
    await db.message.deleteMany();
    await db.session.deleteMany();
    await db.visitor.deleteMany();
    await db.jobLease.deleteMany();
  });

  /** A visitor last seen `seenDaysAgo`, with one session per entry of `sessionDaysAgo` (2 messages each). */
  async function seed(seenDaysAgo: number, sessionDaysAgo: number[]) {
    const visitor = await db.visitor.create({
      data: { metadata: {}, created_at: daysAgo(400), last_seen_at: daysAgo(seenDaysAgo) },
    });
    const sessions = [];
    for (const age of sessionDaysAgo) {
      const session = await db.session.create({
        data: { visitor_id: visitor.id, created_at: daysAgo(age + 1), updated_at: daysAgo(age) },
      });
      for (const role of ["user", "assistant"] as const)
        await db.message.create({
          data: {
            session_id: session.id,
            role,
            content: "x",
            created_at: daysAgo(age),
            saved_at: daysAgo(age),
          },
        });
      // A file in each session: it goes (bytes and all) with its session, or stays with it.
      await db.attachment.create({
        data: {
          session_id: session.id,
          visitor_id: visitor.id,
          uploader: "visitor",
          name: "shot.png",
          content_type: "image/png",
          size: 3,
          bytes: new Uint8Array([1, 2, 3]),
          created_at: daysAgo(age),
        },
      });
      sessions.push(session.id);
    }
    return { id: visitor.id, sessions };
  }

  it("deletes idle sessions with their messages, and visitors left with nothing and unseen as long", async () => {
    const gone = await seed(100, [95, 91]); // everything idle: sessions and then the visitor go
    const mixed = await seed(1, [120, 2]); // one idle session goes; the visitor and its recent session stay
    const seenRecently = await seed(10, [200]); // its session goes, the visitor was seen recently: stays
    const fresh = await seed(0, []); // new visitor without a session: stays
    const borderline = await seed(89, [89]); // just inside the 90 days: stays

    const erased: string[] = [];
    const unregister = onVisitorErased({ afterCommit: (erasure) => void erased.push(erasure.visitor_id) });
    try {
      expect(await applyRetention(testDeps(database()), { days: 90, now: NOW })).toEqual({
        sessions: 4,
        messages: 8,
        visitors: 1,
      });
    } finally {
      unregister();
    }
    expect(erased).toEqual([gone.id]);
    expect((await db.visitor.findMany({ select: { id: true } })).map((row) => row.id).sort()).toEqual(
      [mixed.id, seenRecently.id, fresh.id, borderline.id].sort(),
    );
    expect((await db.session.findMany({ select: { id: true } })).map((row) => row.id).sort()).toEqual(
      [mixed.sessions[1], borderline.sessions[0]].sort(),
    );
    expect(await db.message.count()).toBe(4);
    expect(
      (await db.attachment.findMany({ select: { session_id: true } })).map((row) => row.session_id).sort(),
    ).toEqual([mixed.sessions[1], borderline.sessions[0]].sort());

    // Nothing more to do at the same time; a later clock catches up.
    expect(await applyRetention(testDeps(database()), { days: 90, now: NOW })).toEqual({
      sessions: 0,
      messages: 0,
      visitors: 0,
    });
    expect(
      await applyRetention(testDeps(database()), { days: 90, now: new Date(NOW.getTime() + 100 * DAY_MS) }),
    ).toMatchObject({ sessions: 2, visitors: 4 });
    expect(await db.visitor.count()).toBe(0);
  });

  it("runs on the instance holding the job lease only; another takes over once it is released", async () => {
    await seed(100, [100]);
    let clock = NOW;
    const jobOf = (holder: string) =>
      startRetentionJob({
        getDeps: async () => testDeps(database()),
        holder,
        days: 30,
        intervalMs: 60_000,
        now: () => clock,
        schedule: false,
      });
    const a = jobOf("instance-a");
    const b = jobOf("instance-b");
    expect(await a.tick()).toEqual({ sessions: 1, messages: 2, visitors: 1 });
    expect(await leaseHolder(db, RETENTION_JOB, clock)).toBe("instance-a");
    await seed(100, [100]);
    expect(await b.tick()).toBeNull();
    expect(await db.session.count()).toBe(1);
    await a.stop();
    clock = new Date(NOW.getTime() + 1000);
    expect(await b.tick()).toEqual({ sessions: 1, messages: 2, visitors: 1 });
    await b.stop();
  });
});
