/**
 * Team reports (issue 26, item 9) on both databases: a scripted day of conversations with known answers — every
 * figure, per day (UTC and another time zone) and per agent — the handoff requests the handoff service now keeps,
 * the range rules (defaults, validation with the field named) and the CSV.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { reportInputSchema, type ReportInput } from "~/server/admin/reports/reports.schema";
import { getReport, percentileSeconds, reportCsv } from "~/server/admin/reports/reports.service";
import type { ChatDeps } from "~/server/chat/deps";
import { agentHeartbeat, claimSession, requestHandoffFor } from "~/server/chat/handoff/handoff.service";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

const at = (iso: string) => new Date(iso);
const input = (value: Partial<Record<keyof ReportInput, string>>) => reportInputSchema.parse(value);

describe("percentileSeconds (nearest rank)", () => {
  it("takes the value at rank ⌈p·n⌉, in whole seconds; null for none", () => {
    expect(percentileSeconds([], 0.5)).toBeNull();
    expect(percentileSeconds([30_000], 0.9)).toBe(30);
    expect(percentileSeconds([30_000, 60_000, 120_000], 0.5)).toBe(60);
    expect(percentileSeconds([30_000, 60_000, 120_000], 0.9)).toBe(120);
    expect(percentileSeconds([1_000, 2_000, 3_000, 4_000], 0.5)).toBe(2);
    expect(percentileSeconds([1_400, 2_600], 0.9)).toBe(3);
  });
});

describe("report input", () => {
  const issues = (value: Record<string, string>) => {
    const result = reportInputSchema.safeParse(value);
    return result.success ? [] : result.error.issues.map((issue) => [issue.path.join("."), issue.message]);
  };

  it("refuses bad days, an inverted or too long range, an unknown group or time zone, unknown fields", () => {
    expect(issues({ from: "2024-13-01" })).toEqual([["from", "from must be a date as YYYY-MM-DD"]]);
    expect(issues({ to: "yesterday" })).toEqual([["to", "to must be a date as YYYY-MM-DD"]]);
    expect(issues({ from: "2024-05-10", to: "2024-05-09" })).toEqual([["to", "to must be on or after from"]]);
    expect(issues({ from: "2024-01-01", to: "2025-01-01" })).toEqual([
      ["to", "the range may cover at most 366 days"],
    ]);
    expect(issues({ from: "2024-01-01", to: "2024-12-31" })).toEqual([]); // 366 days (a leap year)
    expect(issues({ group: "week" })).toEqual([["group", "group must be day or agent"]]);
    expect(issues({ tz: "Mars/Olympus" })).toEqual([
      ["tz", "tz must be an IANA time zone, e.g. Europe/Berlin"],
    ]);
    expect(issues({ days: "7" }).map(([path]) => path)).toEqual([""]);
    expect(reportInputSchema.parse({})).toEqual({ group: "day", tz: "UTC" });
  });
});

describeEachDatabase("team reports", (database) => {
  let deps: ChatDeps;
  let visitorId: string;

  beforeAll(async () => {
    deps = testDeps(database());
    visitorId = (await deps.db.visitor.create({ data: { metadata: {} } })).id;
  });

  /** A conversation started at `start`, with its messages, requests, rating and thumbs-down as scripted. */
  async function conversation(script: {
    start: string;
    assistantAt?: string;
    thumbsDown?: boolean;
    requests?: string[];
    agent?: { at: string; name: string }[];
    closedAt?: string[];
    rating?: number;
  }): Promise<string> {
    const session = await deps.db.session.create({
      data: { visitor_id: visitorId, created_at: at(script.start), updated_at: at(script.start) },
    });
    const message = (role: "user" | "assistant" | "agent" | "system", created: string, extra = {}) =>
      deps.db.message.create({
        data: { session_id: session.id, role, content: "text", created_at: at(created), ...extra },
      });
    await message("user", script.start);
    if (script.assistantAt) {
      const reply = await message("assistant", script.assistantAt, { answer_kind: "answered" });
      if (script.thumbsDown)
        await deps.db.messageFeedback.create({
          data: { message_id: reply.id, session_id: session.id, visitor_id: visitorId, rating: "down" },
        });
    }
    for (const requested of script.requests ?? [])
      await deps.db.handoffRequest.create({ data: { session_id: session.id, requested_at: at(requested) } });
    for (const reply of script.agent ?? []) {
      // The claim's visible step comes first: a system message, never counted as the agent's reply.
      await message("system", new Date(at(reply.at).getTime() - 5_000).toISOString(), {
        kind: "agent_joined",
        author_name: reply.name,
      });
      await message("agent", reply.at, { author_name: reply.name });
    }
    for (const closed of script.closedAt ?? []) await message("system", closed, { kind: "closed" });
    if (script.rating)
      await deps.db.sessionRating.create({
        data: { session_id: session.id, visitor_id: visitorId, rating: script.rating },
      });
    return session.id;
  }

  const EMPTY = {
    first_response_seconds: { p50: null, p90: null },
    resolution_seconds: { p50: null, p90: null },
    csat: { average: null, count: 0 },
    bot_resolution_rate: null,
  };

  describe("a scripted day (2024-05-10)", () => {
    beforeAll(async () => {
      // A: the assistant answered, nothing else — resolved by the bot.
      await conversation({ start: "2024-05-10T09:00:00Z", assistantAt: "2024-05-10T09:00:01Z" });
      // B: answered, but the visitor gave a thumbs-down.
      await conversation({
        start: "2024-05-10T10:00:00Z",
        assistantAt: "2024-05-10T10:00:01Z",
        thumbsDown: true,
      });
      // C: answered, then a person asked for; Ada answered in 60 s, closed after 600 s; rated 5.
      await conversation({
        start: "2024-05-10T11:00:00Z",
        assistantAt: "2024-05-10T11:00:01Z",
        requests: ["2024-05-10T11:01:00Z"],
        agent: [{ at: "2024-05-10T11:02:00Z", name: "Ada" }],
        closedAt: ["2024-05-10T11:10:00Z"],
        rating: 5,
      });
      // D: no assistant reply; two requests: Bob answered the first in 30 s, Ada the second in 120 s; closed
      // after 1800 s (and again later: the first close counts); rated 3. Its agent is Bob (the first reply).
      await conversation({
        start: "2024-05-10T12:00:00Z",
        requests: ["2024-05-10T12:00:10Z", "2024-05-10T12:05:00Z"],
        agent: [
          { at: "2024-05-10T12:00:40Z", name: "Bob" },
          { at: "2024-05-10T12:07:00Z", name: "Ada" },
        ],
        closedAt: ["2024-05-10T12:30:00Z", "2024-05-10T13:00:00Z"],
        rating: 3,
      });
      // E: late in the UTC day (already 05-11 in Berlin); answered, rated 4.
      await conversation({ start: "2024-05-10T23:30:00Z", assistantAt: "2024-05-10T23:30:01Z", rating: 4 });
      // F: the evening before in UTC (05-10 in Berlin): answered, then a request nobody answered.
      await conversation({
        start: "2024-05-09T23:00:00Z",
        assistantAt: "2024-05-09T23:00:01Z",
        requests: ["2024-05-09T23:00:30Z"],
      });
      // Outside every range below.
      await conversation({ start: "2024-05-12T08:00:00Z", assistantAt: "2024-05-12T08:00:01Z", rating: 1 });
    });

    it("per UTC day: every figure of the day, the empty day before it, and the totals", async () => {
      const report = await getReport(deps, input({ from: "2024-05-09", to: "2024-05-10" }));
      const day = {
        key: "2024-05-10",
        conversations: 5,
        handoffs: 3,
        first_response_seconds: { p50: 60, p90: 120 },
        resolution_seconds: { p50: 600, p90: 1800 },
        csat: { average: 4, count: 3 },
        bot_resolution_rate: 0.5,
      };
      expect(report).toEqual({
        from: "2024-05-09",
        to: "2024-05-10",
        tz: "UTC",
        group: "day",
        rows: [
          {
            key: "2024-05-09",
            conversations: 1,
            handoffs: 1,
            ...EMPTY,
            bot_resolution_rate: 0,
          },
          day,
        ],
        totals: {
          key: null,
          conversations: 6,
          handoffs: 4,
          first_response_seconds: { p50: 60, p90: 120 },
          resolution_seconds: { p50: 600, p90: 1800 },
          csat: { average: 4, count: 3 },
          bot_resolution_rate: 0.4,
        },
      });
    });

    it("per day in Europe/Berlin: the day starts at 22:00 UTC the evening before", async () => {
      const report = await getReport(
        deps,
        input({ from: "2024-05-10", to: "2024-05-11", tz: "Europe/Berlin" }),
      );
      expect(report.rows).toEqual([
        {
          key: "2024-05-10",
          conversations: 5, // F, A, B, C, D
          handoffs: 4,
          first_response_seconds: { p50: 60, p90: 120 },
          resolution_seconds: { p50: 600, p90: 1800 },
          csat: { average: 4, count: 2 },
          bot_resolution_rate: 0.25, // A of A, B, C, F
        },
        {
          key: "2024-05-11",
          conversations: 1, // E
          handoffs: 0,
          ...EMPTY,
          csat: { average: 4, count: 1 },
          bot_resolution_rate: 1,
        },
      ]);
    });

    it("per agent: who sent the first agent message; conversations no agent answered last (key null)", async () => {
      const report = await getReport(deps, input({ from: "2024-05-10", to: "2024-05-10", group: "agent" }));
      expect(report.rows).toEqual([
        {
          key: "Ada",
          conversations: 1,
          handoffs: 1,
          first_response_seconds: { p50: 60, p90: 60 },
          resolution_seconds: { p50: 600, p90: 600 },
          csat: { average: 5, count: 1 },
          bot_resolution_rate: 0,
        },
        {
          key: "Bob",
          conversations: 1,
          handoffs: 2,
          first_response_seconds: { p50: 30, p90: 120 },
          resolution_seconds: { p50: 1800, p90: 1800 },
          csat: { average: 3, count: 1 },
          bot_resolution_rate: null,
        },
        {
          key: null,
          conversations: 3,
          handoffs: 0,
          ...EMPTY,
          csat: { average: 4, count: 1 },
          bot_resolution_rate: 0.6667,
        },
      ]);
      expect(report.totals).toMatchObject({ conversations: 5, handoffs: 3 });
    });

    it("as CSV: a header, one row per group, the total; empty cells for no value", async () => {
      const report = await getReport(deps, input({ from: "2024-05-10", to: "2024-05-10", group: "agent" }));
      const { filename, text } = reportCsv(report);
      expect(filename).toBe("report-agent-2024-05-10-2024-05-10.csv");
      expect(text).toBe(
        "\uFEFF" +
          "group,conversations,handoffs,first_response_p50_seconds,first_response_p90_seconds," +
          "resolution_p50_seconds,resolution_p90_seconds,csat_average,csat_count,bot_resolution_rate\r\n" +
          "Ada,1,1,60,60,600,600,5,1,0\r\n" +
          "Bob,1,2,30,120,1800,1800,3,1,\r\n" +
          ",3,0,,,,,4,1,0.6667\r\n" +
          "total,5,3,60,120,600,1800,4,3,0.5\r\n",
      );
    });

    it("defaults to the last 7 days ending today (in the time zone), reading today from the clock", async () => {
      const report = await getReport(deps, input({}), at("2024-05-12T10:00:00Z"));
      expect([report.from, report.to, report.rows.length]).toEqual(["2024-05-06", "2024-05-12", 7]);
      expect(report.rows.map((row) => row.conversations)).toEqual([0, 0, 0, 1, 5, 0, 1]);
      const onlyTo = await getReport(deps, input({ to: "2024-05-10" }));
      expect([onlyTo.from, onlyTo.to]).toEqual(["2024-05-04", "2024-05-10"]);
      // Only `from`: up to today, never before `from`, at most 366 days.
      const onlyFrom = await getReport(deps, input({ from: "2024-05-11" }), at("2024-05-12T10:00:00Z"));
      expect([onlyFrom.from, onlyFrom.to]).toEqual(["2024-05-11", "2024-05-12"]);
      const future = await getReport(deps, input({ from: "2024-06-01" }), at("2024-05-12T10:00:00Z"));
      expect([future.from, future.to]).toEqual(["2024-06-01", "2024-06-01"]);
      const long = await getReport(deps, input({ from: "2020-01-01" }), at("2024-05-12T10:00:00Z"));
      expect([long.from, long.to, long.rows.length]).toEqual(["2020-01-01", "2020-12-31", 366]);
    });
  });

  it("reads sessions in batches: 1,203 conversations of one day are all counted", async () => {
    const rows = Array.from({ length: 1203 }, (_, index) => ({
      visitor_id: visitorId,
      created_at: new Date(Date.parse("2024-08-01T00:00:00Z") + index * 1000),
    }));
    await deps.db.session.createMany({ data: rows });
    const report = await getReport(deps, input({ from: "2024-08-01", to: "2024-08-01" }));
    expect(report.totals.conversations).toBe(1203);
    expect(report.rows).toHaveLength(1);
  });

  it("the handoff service keeps every request: with an agent online, and missed with nobody online", async () => {
    let clock = at("2024-09-01T10:00:00Z");
    const timed = { ...deps, now: () => clock };
    const session = await deps.db.session.create({
      data: { visitor_id: visitorId, created_at: clock, updated_at: clock },
    });
    // Nobody online: missed at once, still a request.
    await requestHandoffFor(timed, session);
    // An agent online: waiting, then claimed (the session's handoff_requested_at is cleared; the request stays).
    clock = at("2024-09-01T10:05:00Z");
    await agentHeartbeat(timed, { id: "ada", name: "Ada" });
    await requestHandoffFor(timed, await deps.db.session.findUniqueOrThrow({ where: { id: session.id } }));
    clock = at("2024-09-01T10:06:00Z");
    await claimSession(timed, session.id, { id: "ada", name: "Ada" });
    const stored = await deps.db.session.findUniqueOrThrow({ where: { id: session.id } });
    expect([stored.mode, stored.handoff_requested_at]).toEqual(["agent", null]);
    const requests = await deps.db.handoffRequest.findMany({
      where: { session_id: session.id },
      orderBy: { requested_at: "asc" },
    });
    expect(requests.map((request) => request.requested_at.toISOString())).toEqual([
      "2024-09-01T10:00:00.000Z",
      "2024-09-01T10:05:00.000Z",
    ]);
    const report = await getReport(deps, input({ from: "2024-09-01", to: "2024-09-01" }));
    expect(report.totals).toMatchObject({ conversations: 1, handoffs: 2 });
    // Erased with the session.
    await deps.db.session.delete({ where: { id: session.id } });
    expect(await deps.db.handoffRequest.count({ where: { session_id: session.id } })).toBe(0);
  });
});
