import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { CSV_BOM, csvField } from "~/server/admin/exports/csv";
import { CSV_COLUMNS } from "~/server/admin/exports/exports.schema";
import { exportSessions, exportTranscript, type ExportFile } from "~/server/admin/exports/exports.service";
import type { ChatDeps } from "~/server/chat/deps";
import { AppError } from "~/server/errors/app-error";
import { getTranscript } from "~/server/admin/sessions/session-admin.service";
import { exportFileResponse } from "~/server/rest/admin-exports";
import { describeEachDatabase } from "./helpers/databases";
import { ScriptedResponder } from "../testing/responders";
import { testDeps, TEST_BY } from "./helpers/deps";

/** What a visitor may type, and what a spreadsheet must show for it (formula starts defused with a '). */
const TRICKY: [stored: string, shown: string][] = [
  ["plain text", "plain text"],
  ["comma, inside", "comma, inside"],
  ['a "quoted" word', 'a "quoted" word'],
  ["two\nlines", "two\nlines"],
  ["windows\r\nline end", "windows\r\nline end"],
  ["ünïcødé — 日本語 😀 עברית", "ünïcødé — 日本語 😀 עברית"],
  ['=HYPERLINK("https://evil.example","click")', `'=HYPERLINK("https://evil.example","click")`],
  ["+1+2", "'+1+2"],
  ["-2+3", "'-2+3"],
  ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
  ["\t=tab first", "'\t=tab first"],
  ['",=, "\n', '",=, "\n'],
];

/** The file as the download route sends it (the streamed response body), decoded keeping the BOM. */
async function downloaded(file: ExportFile): Promise<string> {
  const bytes = await exportFileResponse(file).arrayBuffer();
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { bom: true, columns: true, relax_quotes: false, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

describe("CSV fields (RFC 4180)", () => {
  it("quotes only what needs it and doubles quotes", () => {
    expect(csvField("abc")).toBe("abc");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("a\nb")).toBe('"a\nb"');
    expect(csvField("a\rb")).toBe('"a\rb"');
    expect(csvField(null)).toBe("");
    expect(csvField(-3)).toBe("-3");
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField('=A1,"x"')).toBe(`"'=A1,""x"""`);
  });
});

describeEachDatabase("admin exports (CSV and JSON)", (database) => {
  let deps: ChatDeps;
  let sessionId: string;
  let visitorId: string;

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
    const visitor = await deps.db.visitor.create({ data: { metadata: { locale: "fr-FR" } } });
    visitorId = visitor.id;
    const session = await deps.db.session.create({
      data: {
        visitor_id: visitor.id,
        title: 'Billing, "urgent"',
        created_at: new Date("2024-02-10T09:00:00Z"),
      },
    });
    sessionId = session.id;
    for (const [index, [stored]] of TRICKY.entries()) {
      await deps.db.message.create({
        data: {
          session_id: session.id,
          role: index % 2 === 0 ? "user" : "assistant",
          status: index === 3 ? "failed" : "complete",
          content: stored,
          created_at: new Date(Date.UTC(2024, 1, 10, 9, 0, index)),
        },
      });
    }
  });

  it("exports a transcript as CSV that a CSV parser reads back exactly (BOM, CRLF, quoting, formulas defused)", async () => {
    const file = await exportTranscript(deps, { id: sessionId, format: "csv" }, TEST_BY);
    expect(file.filename).toBe(`transcript-${sessionId}.csv`);
    expect(file.contentType).toBe("text/csv; charset=utf-8");
    const text = await downloaded(file);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(text.slice(1).split("\r\n")[0]).toBe(CSV_COLUMNS.join(","));
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text).toContain('"Billing, ""urgent"""');

    const rows = parseCsv(text);
    expect(rows.map((row) => row.content)).toEqual(TRICKY.map(([, shown]) => shown));
    expect(rows[0]).toMatchObject({
      session_id: sessionId,
      session_title: 'Billing, "urgent"',
      session_created_at: "2024-02-10T09:00:00.000Z",
      visitor_id: visitorId,
      role: "user",
      status: "complete",
      created_at: "2024-02-10T09:00:00.000Z",
    });
    expect(rows[3]).toMatchObject({ role: "assistant", status: "failed" });
  });

  it("exports a transcript as JSON with every message unchanged", async () => {
    const file = await exportTranscript(deps, { id: sessionId, format: "json" }, TEST_BY);
    expect(file.contentType).toBe("application/json; charset=utf-8");
    const parsed = JSON.parse(await downloaded(file)) as Record<string, unknown>;
    expect(parsed).toMatchObject(await getTranscript(deps, { id: sessionId }));
    expect((parsed.messages as { content: string }[]).map((message) => message.content)).toEqual(
      TRICKY.map(([stored]) => stored),
    );
  });

  it("reports an unknown session before producing a file", async () => {
    await expect(
      exportTranscript(deps, { id: "00000000-0000-4000-8000-000000000000", format: "csv" }, TEST_BY),
    ).rejects.toThrow(AppError);
  });

  describe("bulk export of a date range", () => {
    const titles = {
      before: "2025-03-01T23:59:59.999Z",
      first: "2025-03-02T00:00:00.000Z",
      last: "2025-03-03T23:59:59.999Z",
      after: "2025-03-04T00:00:00.000Z",
    };

    beforeAll(async () => {
      const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
      for (const [title, created] of Object.entries(titles)) {
        const session = await deps.db.session.create({
          data: { visitor_id: visitor.id, title, created_at: new Date(created) },
        });
        await deps.db.message.createMany({
          data: [
            {
              session_id: session.id,
              role: "user",
              content: `q ${title}, "x"`,
              created_at: new Date(created),
            },
            {
              session_id: session.id,
              role: "assistant",
              content: `a ${title}\nok`,
              created_at: new Date(new Date(created).getTime() + 1),
            },
          ],
        });
      }
    });

    it("includes sessions started on the first through the last day (UTC), oldest first, one row per message", async () => {
      const file = await exportSessions(
        deps,
        { from: "2025-03-02", to: "2025-03-03", format: "csv" },
        TEST_BY,
      );
      expect(file.filename).toBe("sessions-2025-03-02-to-2025-03-03.csv");
      const rows = parseCsv(await downloaded(file));
      expect(rows.map((row) => [row.session_title, row.role, row.content])).toEqual([
        ["first", "user", 'q first, "x"'],
        ["first", "assistant", "a first\nok"],
        ["last", "user", 'q last, "x"'],
        ["last", "assistant", "a last\nok"],
      ]);
    });

    it("exports the same range as JSON", async () => {
      const text = await downloaded(
        await exportSessions(deps, { from: "2025-03-02", to: "2025-03-03", format: "json" }, TEST_BY),
      );
      const parsed = JSON.parse(text) as {
        from: string;
        to: string;
        sessions: { session: { title: string } }[];
      };
      expect(parsed.from).toBe("2025-03-02");
      expect(parsed.to).toBe("2025-03-03");
      expect(parsed.sessions.map((entry) => entry.session.title)).toEqual(["first", "last"]);
    });

    it("reads many sessions in batches without skipping or repeating any", async () => {
      const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
      const sameInstant = new Date("2019-06-01T12:00:00Z");
      // 250 sessions, many sharing one timestamp: the keyset must fall back on the id.
      await deps.db.session.createMany({
        data: Array.from({ length: 250 }, (_, index) => ({
          visitor_id: visitor.id,
          title: `bulk ${index}`,
          created_at: index < 120 ? sameInstant : new Date(sameInstant.getTime() + index),
        })),
      });
      const sessions = await deps.db.session.findMany({ where: { visitor_id: visitor.id } });
      await deps.db.message.createMany({
        data: sessions.map((session) => ({
          session_id: session.id,
          role: "user" as const,
          content: session.title!,
        })),
      });
      const text = await downloaded(
        await exportSessions(deps, { from: "2019-06-01", to: "2019-06-01", format: "json" }, TEST_BY),
      );
      const exported = (JSON.parse(text) as { sessions: { session: { id: string } }[] }).sessions.map(
        (entry) => entry.session.id,
      );
      expect(exported).toHaveLength(250);
      expect(new Set(exported).size).toBe(250);
      const csvRows = parseCsv(
        await downloaded(
          await exportSessions(deps, { from: "2019-06-01", to: "2019-06-01", format: "csv" }, TEST_BY),
        ),
      );
      expect(csvRows).toHaveLength(250);
    });

    it("refuses a reversed range", async () => {
      await expect(
        exportSessions(deps, { from: "2025-03-03", to: "2025-03-02", format: "csv" }, TEST_BY),
      ).rejects.toThrow(/from must be on or before to/);
    });
  });
});
