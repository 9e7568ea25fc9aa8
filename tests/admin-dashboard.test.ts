import { beforeAll, expect, it } from "vitest";
import { getDashboard } from "~/server/admin/dashboard/dashboard.service";
import type { ChatDeps } from "~/server/chat/deps";
import { ScriptedResponder } from "../testing/responders";
import { describeEachDatabase } from "./helpers/databases";

describeEachDatabase("admin dashboard", (database) => {
  let deps: ChatDeps;

  beforeAll(() => {
    deps = { db: database().db, dialect: database().dialect, responder: new ScriptedResponder(["ok"]) };
  });

  it("counts totals and new sessions and messages per UTC day for the last 30 days", async () => {
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const at = (iso: string) => new Date(iso);
    for (const created of ["2023-03-30T00:00:00Z", "2023-03-30T23:59:59Z", "2023-03-01T12:00:00Z"]) {
      const session = await deps.db.session.create({
        data: { visitor_id: visitor.id, created_at: at(created), updated_at: at(created) },
      });
      await deps.db.message.create({
        data: { session_id: session.id, role: "user", content: "x", created_at: at(created) },
      });
    }
    // 2023-02-28 is 31 days before 2023-03-30: outside the window.
    const old = await deps.db.session.create({
      data: { visitor_id: visitor.id, created_at: at("2023-02-28T12:00:00Z") },
    });
    await deps.db.message.create({
      data: { session_id: old.id, role: "user", content: "x", created_at: at("2023-02-28T12:00:00Z") },
    });

    const dashboard = await getDashboard(deps, at("2023-03-30T15:00:00Z"));
    expect(dashboard.days).toHaveLength(30);
    expect(dashboard.days[0]!.date).toBe("2023-03-01");
    expect(dashboard.days.at(-1)).toEqual({ date: "2023-03-30", sessions: 2, messages: 2 });
    expect(dashboard.days[0]).toEqual({ date: "2023-03-01", sessions: 1, messages: 1 });
    expect(dashboard.days.slice(1, -1).every((entry) => entry.sessions === 0 && entry.messages === 0)).toBe(
      true,
    );
    expect(dashboard.totals).toEqual({
      visitors: await deps.db.visitor.count(),
      sessions: await deps.db.session.count(),
      messages: await deps.db.message.count(),
      failed_replies: await deps.db.message.count({ where: { status: "failed" } }),
    });
  });
});
