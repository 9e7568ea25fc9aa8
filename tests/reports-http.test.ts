/**
 * Team reports over real HTTP (`next start`, both databases): an agent-scoped key reads
 * `GET /api/admin/reports/` and downloads `GET /api/admin/reports/csv/`; bad parameters are 400 with the field
 * named, on both routes. The figures themselves are checked in depth by tests/reports.test.ts.
 */
import { beforeAll, expect, it } from "vitest";
import { createApiKey } from "~/server/admin/api-keys/api-keys.service";
import { ensureTestAdmin } from "../testing/admin";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";
import { testDeps, TEST_BY } from "./helpers/deps";

describeEachServer("team reports over HTTP", (target, dialect) => {
  let checker: DocumentChecker;
  let agent: Record<string, string>;
  const today = new Date().toISOString().slice(0, 10);

  async function call(path: string, headers: Record<string, string> = agent) {
    const response = await fetch(`${target().baseUrl}${path}`, { headers });
    const json = (await response.json()) as { success: boolean; code?: string; data?: unknown };
    checker.expectDeclared("GET", path, response.status, json);
    return { status: response.status, body: json, text: JSON.stringify(json) };
  }

  beforeAll(async () => {
    checker = await loadDocumentChecker(target().baseUrl);
    const deps = testDeps({ db: target().database.db, dialect });
    const key = await createApiKey(
      deps,
      { name: "agent bridge", scopes: ["agent"] },
      await ensureTestAdmin(deps),
      TEST_BY,
    );
    agent = { authorization: `Bearer ${key.key}` };
    // Today (UTC): two conversations the assistant answered; one rated 4.
    const db = target().database.db;
    const visitor = await db.visitor.create({ data: { metadata: {} } });
    for (const rating of [4, null]) {
      const session = await db.session.create({ data: { visitor_id: visitor.id } });
      await db.message.create({ data: { session_id: session.id, role: "assistant", content: "Hi" } });
      if (rating)
        await db.sessionRating.create({ data: { session_id: session.id, visitor_id: visitor.id, rating } });
    }
  });

  it("answers the report to an agent key: the last 7 days by default, today's figures last", async () => {
    const answer = await call("/api/admin/reports/");
    expect(answer.status).toBe(200);
    const report = answer.body.data as {
      from: string;
      to: string;
      group: string;
      rows: { key: string; conversations: number }[];
      totals: Record<string, unknown>;
    };
    expect([report.to, report.group, report.rows.length]).toEqual([today, "day", 7]);
    expect(report.rows.at(-1)).toMatchObject({ key: today, conversations: 2 });
    expect(report.totals).toMatchObject({
      conversations: 2,
      handoffs: 0,
      csat: { average: 4, count: 1 },
      bot_resolution_rate: 1,
    });
    const byAgent = await call(`/api/admin/reports/?from=${today}&to=${today}&group=agent`);
    expect((byAgent.body.data as { rows: unknown[] }).rows).toEqual([
      expect.objectContaining({ key: null, conversations: 2 }),
    ]);
  });

  it("downloads the CSV as an attachment", async () => {
    const response = await fetch(`${target().baseUrl}/api/admin/reports/csv/?from=${today}&to=${today}`, {
      headers: agent,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="report-day-${today}-${today}.csv"`,
    );
    const text = await response.text();
    expect(text.split("\r\n")).toEqual([
      "group,conversations,handoffs,first_response_p50_seconds,first_response_p90_seconds," +
        "resolution_p50_seconds,resolution_p90_seconds,csat_average,csat_count,bot_resolution_rate",
      `${today},2,0,,,,,4,1,1`,
      "total,2,0,,,,,4,1,1",
      "",
    ]);
  });

  it("refuses bad parameters with 400 and the field named, on both routes", async () => {
    for (const [query, field] of [
      ["from=2024-02-30", "from"],
      ["from=2024-05-10&to=2024-05-01", "to"],
      ["from=2023-01-01&to=2024-12-31", "to"],
      ["group=week", "group"],
      ["tz=Nowhere/City", "tz"],
    ] as const) {
      const refused = await call(`/api/admin/reports/?${query}`);
      expect([query, refused.status, refused.body.code]).toEqual([query, 400, "VALIDATION_FAILED"]);
      expect(refused.text).toContain(field);
      const csv = await fetch(`${target().baseUrl}/api/admin/reports/csv/?${query}`, { headers: agent });
      const body = (await csv.json()) as { code: string };
      expect([query, csv.status, body.code]).toEqual([query, 400, "VALIDATION_FAILED"]);
      expect(JSON.stringify(body)).toContain(field);
    }
    // Without a key: 401.
    expect((await call("/api/admin/reports/", {})).status).toBe(401);
  });
});
