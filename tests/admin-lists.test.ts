import { beforeAll, expect, it } from "vitest";
import type { createCaller } from "~/server/api/root";
import type { ChatDeps } from "~/server/chat/deps";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";
import { testDeps } from "./helpers/deps";

const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";

describeEachDatabase("admin lists: sessions, transcripts and visitors", (database) => {
  let deps: ChatDeps;

  beforeAll(() => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
  });

  const callerWith = (headers: Headers) => adminCaller(deps, headers, "198.51.100.99");

  const day = (iso: string) => new Date(iso);
  let admin: ReturnType<typeof createCaller>["admin"];
  let visitorId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    admin = callerWith(bearer(TEST_ADMIN_API_KEY)).admin;
    const visitor = await deps.db.visitor.create({
      data: { metadata: { locale: "de-AT" }, created_at: day("2022-05-01T08:00:00Z") },
    });
    visitorId = visitor.id;
    const sessions = [
      ["early", "2022-05-01T23:59:59.999Z", "2022-05-05T10:00:00Z", "complete"],
      ["first-day", "2022-05-02T00:00:00.000Z", "2022-05-06T10:00:00Z", "failed"],
      ["last-day", "2022-05-03T23:59:59.999Z", "2022-05-04T10:00:00Z", "complete"],
      ["late", "2022-05-04T00:00:00.000Z", "2022-05-07T10:00:00Z", "complete"],
    ] as const;
    for (const [title, created, updated, status] of sessions) {
      const session = await deps.db.session.create({
        data: { visitor_id: visitor.id, title, created_at: day(created), updated_at: day(updated) },
      });
      ids[title] = session.id;
      await deps.db.message.create({
        data: { session_id: session.id, role: "user", content: `hello ${title}`, created_at: day(created) },
      });
      await deps.db.message.create({
        data: {
          session_id: session.id,
          role: "assistant",
          content: `reply ${title}`,
          status,
          created_at: new Date(day(created).getTime() + 1),
        },
      });
    }
  });

  it("filters sessions by start day (inclusive, UTC) and lists them by latest activity", async () => {
    const page = await admin.sessions.list({ from: "2022-05-02", to: "2022-05-03", visitor_id: visitorId });
    expect(page.items.map((item) => item.title)).toEqual(["first-day", "last-day"]);
    expect(page.items[0]).toMatchObject({ message_count: 2, failed_count: 1, visitor_id: visitorId });
    const open = await admin.sessions.list({ from: "2022-05-03", visitor_id: visitorId });
    expect(open.items.map((item) => item.title)).toEqual(["late", "last-day"]);
  });

  it("filters by reply status", async () => {
    const failed = await admin.sessions.list({ status: "failed", visitor_id: visitorId });
    expect(failed.items.map((item) => item.title)).toEqual(["first-day"]);
    const ok = await admin.sessions.list({ status: "ok", visitor_id: visitorId });
    expect(ok.items.map((item) => item.title)).toEqual(["late", "early", "last-day"]);
  });

  it("pages with a cursor without skipping or repeating", async () => {
    const first = await admin.sessions.list({ visitor_id: visitorId, limit: 3 });
    const second = await admin.sessions.list({
      visitor_id: visitorId,
      limit: 3,
      cursor: first.next_cursor!,
    });
    expect([...first.items, ...second.items].map((item) => item.title)).toEqual([
      "late",
      "first-day",
      "early",
      "last-day",
    ]);
    expect(second.next_cursor).toBeNull();
  });

  it("refuses bad filters with a clear 400", async () => {
    await expectTrpcError(
      admin.sessions.list({ from: "2022-05-03", to: "2022-05-02" }),
      "BAD_REQUEST",
      "INVALID_DATE_RANGE",
      /from must be on or before to/,
    );
    await expectTrpcError(
      admin.sessions.list({ from: "05/02/2022" }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
      /YYYY-MM-DD/,
    );
    await expectTrpcError(
      admin.sessions.list({ status: "bogus" as never }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    await expectTrpcError(admin.sessions.list({ cursor: "garbage" }), "BAD_REQUEST", "INVALID_CURSOR");
  });

  it("returns a transcript with every message in order, and 404 for unknown sessions", async () => {
    const transcript = await admin.sessions.transcript({ id: ids["first-day"]! });
    expect(transcript.visitor).toMatchObject({ id: visitorId, metadata: { locale: "de-AT" } });
    expect(transcript.messages.map((message) => [message.role, message.status, message.content])).toEqual([
      ["user", "complete", "hello first-day"],
      ["assistant", "failed", "reply first-day"],
    ]);
    for (const id of [UNKNOWN_UUID, "nope"])
      await expectTrpcError(admin.sessions.transcript({ id }), "NOT_FOUND", "SESSION_NOT_FOUND");
  });

  it("searches visitors by metadata and sorts them by last seen", async () => {
    const api = callerWith(bearer(TEST_ADMIN_API_KEY));
    const found = await api.admin.visitors.list({ search: "DE-at" });
    expect(found.items.map((item) => item.id)).toEqual([visitorId]);
    expect(found.items[0]!.session_count).toBe(4);
    const a = await deps.db.visitor.create({
      data: { metadata: {}, last_seen_at: day("2030-01-02T00:00:00Z") },
    });
    const b = await deps.db.visitor.create({
      data: { metadata: {}, last_seen_at: day("2030-01-01T00:00:00Z") },
    });
    const bySeen = await api.admin.visitors.list({ sort: "last_seen", limit: 1 });
    expect(bySeen.items[0]!.id).toBe(a.id);
    const next = await api.admin.visitors.list({ sort: "last_seen", limit: 1, cursor: bySeen.next_cursor! });
    expect(next.items[0]!.id).toBe(b.id);
  });
});
