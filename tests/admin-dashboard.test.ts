import { beforeAll, expect, it } from "vitest";
import { getDashboard } from "~/server/admin/dashboard/dashboard.service";
import type { ChatDeps } from "~/server/chat/deps";
import { ScriptedResponder } from "../testing/responders";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

describeEachDatabase("admin dashboard", (database) => {
  let deps: ChatDeps;

  beforeAll(() => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
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
    expect(dashboard.days.at(-1)).toMatchObject({ date: "2023-03-30", sessions: 2, messages: 2 });
    expect(dashboard.days[0]).toMatchObject({ date: "2023-03-01", sessions: 1, messages: 1 });
    expect(dashboard.days.slice(1, -1).every((entry) => entry.sessions === 0 && entry.messages === 0)).toBe(
      true,
    );
    expect(dashboard.totals).toMatchObject({
      visitors: await deps.db.visitor.count(),
      sessions: await deps.db.session.count(),
      messages: await deps.db.message.count(),
      failed_replies: await deps.db.message.count({ where: { status: "failed" } }),
    });
  });

  it("counts answered and unanswered questions, thumbs and conversation ratings per day and in total", async () => {
    const at = (iso: string) => new Date(iso);
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const sessions = await Promise.all(
      [1, 2, 3].map(() => deps.db.session.create({ data: { visitor_id: visitor.id } })),
    );
    const session = sessions[0]!;
    const reply = (answer_kind: "answered" | "no_answer" | "small_talk" | null, created: string) =>
      deps.db.message.create({
        data: {
          session_id: session.id,
          role: "assistant",
          content: "r",
          answer_kind,
          created_at: at(created),
        },
      });
    const today = "2023-03-30T10:00:00Z";
    const yesterday = "2023-03-29T10:00:00Z";
    const answeredToday = await Promise.all([1, 2, 3].map(() => reply("answered", today)));
    const unanswered = await reply("no_answer", today);
    await reply("small_talk", today);
    await reply(null, today);
    await reply("answered", yesterday);
    const rate = (messageId: string, rating: "up" | "down", updated: string) =>
      deps.db.messageFeedback.create({
        data: {
          message_id: messageId,
          session_id: session.id,
          visitor_id: visitor.id,
          rating,
          updated_at: at(updated),
        },
      });
    await rate(answeredToday[0]!.id, "up", today);
    await rate(answeredToday[1]!.id, "up", today);
    await rate(unanswered.id, "down", today);
    // Before the 30 days: in the totals only.
    await rate(answeredToday[2]!.id, "down", "2023-02-01T10:00:00Z");
    const rateSession = (sessionId: string, rating: number, updated: string) =>
      deps.db.sessionRating.create({
        data: { session_id: sessionId, visitor_id: visitor.id, rating, updated_at: at(updated) },
      });
    await rateSession(sessions[0]!.id, 5, today);
    await rateSession(sessions[1]!.id, 4, today);
    await rateSession(sessions[2]!.id, 2, yesterday);

    const dashboard = await getDashboard(deps, at("2023-03-30T15:00:00Z"));
    expect(dashboard.days.at(-1)).toMatchObject({
      date: "2023-03-30",
      answered: 3,
      unanswered: 1,
      answered_share: 0.75,
      thumbs_up: 2,
      thumbs_down: 1,
      ratings: 2,
      rating_average: 4.5,
    });
    expect(dashboard.days.at(-2)).toMatchObject({
      date: "2023-03-29",
      answered: 1,
      unanswered: 0,
      answered_share: 1,
      thumbs_up: 0,
      thumbs_down: 0,
      ratings: 1,
      rating_average: 2,
    });
    expect(dashboard.days.at(-3)).toMatchObject({ answered_share: null, rating_average: null, ratings: 0 });
    expect(dashboard.totals).toMatchObject({
      answered: 4,
      unanswered: 1,
      answered_share: 0.8,
      thumbs_up: 2,
      thumbs_down: 2,
      ratings: 3,
      rating_average: 3.67,
    });
  });
});
