/**
 * The visitor's context (issue 26, item 8) over real HTTP (`next start`, both databases): the widget's page report
 * (POST /api/chats/visitors/{id}/context/) is bounded (400 with the field), the visitor's own only (403 for another
 * id, 404 for an unknown one), stored without the URL's fragment with the last pages newest first; the admin's
 * transcript answers it as `context` (page, referrer, language, time zone, browser and OS from the user agent,
 * identity, previous conversations); it is in the admin's visitor export and gone with the visitor.
 */
import { beforeAll, expect, it } from "vitest";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };
const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

type Body = { success: boolean; code?: string; data?: unknown; errors?: Record<string, string[]> };

describeEachServer("the visitor's context over HTTP", (target) => {
  let checker: DocumentChecker;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${target().baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Body;
    checker.expectDeclared(method, path, response.status, json);
    return { status: response.status, body: json };
  }

  async function newVisitor(metadata: Record<string, unknown> = {}) {
    const visitor = await call("POST", "/api/chats/visitors/", { metadata });
    return (visitor.body.data as { id: string }).id;
  }

  const report = (id: string, body: Record<string, unknown>, visitorId = id) =>
    call("POST", `/api/chats/visitors/${id}/context/`, { visitor_id: visitorId, ...body });

  beforeAll(async () => {
    checker = await loadDocumentChecker(target().baseUrl);
  });

  it("refuses what is out of bounds with the field, and another visitor's or an unknown id", async () => {
    const id = await newVisitor();
    const page_url = "https://shop.example/";
    const refused = async (body: Record<string, unknown>, field: string) => {
      const answer = await report(id, { page_url, ...body });
      expect(answer.status).toBe(400);
      expect(answer.body.success).toBe(false);
      expect(Object.keys(answer.body.errors ?? {})).toContain(field);
    };
    await refused({ page_url: `https://shop.example/${"a".repeat(2049)}` }, "page_url");
    await refused({ page_url: "javascript:alert(1)" }, "page_url");
    await refused({ page_url: "ftp://shop.example/file" }, "page_url");
    await refused({ page_url: "not a url" }, "page_url");
    await refused({ page_title: "x".repeat(301) }, "page_title");
    await refused({ page_title: "Pricing\u0007" }, "page_title");
    await refused({ referrer: "data:text/html,hi" }, "referrer");
    await refused({ time_zone: "Mars/Olympus_Mons" }, "time_zone");
    await refused({ utc_offset_minutes: 900 }, "utc_offset_minutes");
    await refused({ language: "not a language" }, "language");

    const other = await newVisitor();
    const foreign = await report(other, { page_url }, id);
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe("VISITOR_ID_MISMATCH");
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await report(unknown, { page_url })).status).toBe(404);
    // Nothing of it was stored.
    const row = await target().database.db.visitor.findUniqueOrThrow({ where: { id: other } });
    expect(row.context).toBeNull();
  });

  it("stores the page without its fragment, keeps the last pages, and the admin's transcript shows the context", async () => {
    const id = await newVisitor({ user_agent: FIREFOX_ON_WINDOWS, locale: "de-AT", name: "Dora" });
    const earlier = await call("POST", "/api/chats/sessions/", { visitor_id: id });
    const earlierId = (earlier.body.data as { id: string }).id;
    const session = await call("POST", "/api/chats/sessions/", { visitor_id: id });
    const sessionId = (session.body.data as { id: string }).id;

    const first = await report(id, {
      page_url: "https://user:secret@shop.example/?ref=ad#token=abc",
      page_title: "  Shop  ",
      referrer: "https://search.example/?q=shoes",
      language: "de-AT",
      time_zone: "Europe/Vienna",
      utc_offset_minutes: 60,
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({
      page_url: "https://shop.example/?ref=ad",
      page_title: "Shop",
      referrer: "https://search.example/?q=shoes",
      pages: [{ url: "https://shop.example/?ref=ad", title: "Shop" }],
    });
    // A navigation: newest first; the same page again only updates its title.
    await report(id, { page_url: "https://shop.example/pricing", page_title: "Pricing" });
    const again = await report(id, {
      page_url: "https://shop.example/pricing#faq",
      page_title: "Pricing — FAQ",
    });
    expect(again.body.data).toMatchObject({
      page_url: "https://shop.example/pricing",
      page_title: "Pricing — FAQ",
      // Kept from the first report.
      referrer: "https://search.example/?q=shoes",
      time_zone: "Europe/Vienna",
    });
    const pages = (again.body.data as { pages: { url: string }[] }).pages;
    expect(pages.map((page) => page.url)).toEqual([
      "https://shop.example/pricing",
      "https://shop.example/?ref=ad",
    ]);
    // At most 10 pages.
    for (let n = 0; n < 12; n += 1) await report(id, { page_url: `https://shop.example/p/${n}` });
    const stored = await target().database.db.visitor.findUniqueOrThrow({ where: { id } });
    expect((stored.context as { pages: unknown[] }).pages).toHaveLength(10);
    expect(JSON.stringify(stored.context)).not.toContain("secret");
    expect(JSON.stringify(stored.context)).not.toContain("token=abc");

    const transcript = await call("GET", `/api/admin/sessions/${sessionId}/`, undefined, ADMIN);
    expect(transcript.status).toBe(200);
    const context = (transcript.body.data as { context: Record<string, unknown> }).context;
    expect(context).toMatchObject({
      page: { url: "https://shop.example/p/11", title: null },
      referrer: "https://search.example/?q=shoes",
      language: "de-AT",
      time_zone: "Europe/Vienna",
      utc_offset_minutes: 60,
      browser: "Firefox 128.0",
      os: "Windows 10",
      device: "desktop",
      // Named without a user_hash: not verified.
      user: { verified: false, name: "Dora", user_id: null },
      previous_sessions: [{ id: earlierId }],
    });

    // A visitor that never reported: the page it was created on (metadata), no history.
    const quiet = await newVisitor({ page_url: "https://shop.example/start" });
    const quietSession = await call("POST", "/api/chats/sessions/", { visitor_id: quiet });
    const quietId = (quietSession.body.data as { id: string }).id;
    const quietContext = await call("GET", `/api/admin/sessions/${quietId}/`, undefined, ADMIN);
    expect((quietContext.body.data as { context: unknown }).context).toMatchObject({
      page: { url: "https://shop.example/start", title: null },
      pages: [],
      reported_at: null,
      browser: null,
      previous_sessions: [],
    });
  });

  it("is in the admin's visitor export and erased with the visitor", async () => {
    const id = await newVisitor();
    await report(id, { page_url: "https://shop.example/secret-page", page_title: "Private" });
    const exported = await call("GET", `/api/admin/visitors/${id}/export/`, undefined, ADMIN);
    expect(exported.status).toBe(200);
    expect((exported.body.data as { context: unknown }).context).toMatchObject({
      page_url: "https://shop.example/secret-page",
      pages: [{ url: "https://shop.example/secret-page", title: "Private" }],
    });
    const erased = await call("DELETE", `/api/admin/visitors/${id}/`, undefined, ADMIN);
    expect(erased.status).toBe(200);
    const rows = await target().database.db.visitor.findMany({ where: { id } });
    expect(rows).toEqual([]);
    expect((await report(id, { page_url: "https://shop.example/" })).status).toBe(404);
  });
});
