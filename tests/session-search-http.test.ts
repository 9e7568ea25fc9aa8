/**
 * Conversation search (issue 26, item 6) over real HTTP (`next start`, both databases):
 * `GET /api/admin/sessions/?q=…` finds words of visitor and agent messages (prefixes, several words), combines
 * with label, mode, assignee and from/to, answers hostile queries with 200 or 400 (never 500), answers bad dates
 * with 400 naming the field, carries a plain-text snippet with offsets (markup in a message stays text), and an
 * erased visitor's words are no longer found.
 */
import { beforeAll, expect, it } from "vitest";
import { signInInProcess } from "../testing/admin";
import { ADMIN, agentKeyHeaders, documentedApi, type RequestHeaders } from "./helpers/documented-api";
import { describeEachServer } from "./helpers/server";
import { testDeps } from "./helpers/deps";

interface Item {
  id: string;
  match?: { role: string; text: string; highlights: { start: number; end: number }[] } | null;
}

describeEachServer("conversation search over HTTP", (target, dialect) => {
  let agent: RequestHeaders;
  let visitorId: string;
  let otherVisitorId: string;
  let billing: string;
  let shipping: string;
  let other: string;

  const api = documentedApi(target, ADMIN);
  const call = api.call;
  const search = async (query: string, headers: Record<string, string> = agent) => {
    const answer = await call("GET", `/api/admin/sessions/?${query}`, undefined, headers);
    expect([query, answer.status]).toEqual([query, 200]);
    return (answer.body.data as { items: Item[] }).items;
  };
  const ids = async (query: string) => (await search(query)).map((item) => item.id).sort();

  async function conversation(
    visitor: string,
    messages: [role: "user" | "agent" | "assistant", content: string][],
  ) {
    const session = await call("POST", "/api/chats/sessions/", { visitor_id: visitor }, {});
    const id = (session.body.data as { id: string }).id;
    for (const [role, content] of messages)
      await target().database.db.message.create({
        data: { session_id: id, role, content, ...(role === "agent" && { author_name: "Ada" }) },
      });
    return id;
  }

  beforeAll(async () => {
    await api.open();
    agent = await agentKeyHeaders(target().database, dialect);
    visitorId = ((await call("POST", "/api/chats/visitors/", {}, {})).body.data as { id: string }).id;
    otherVisitorId = ((await call("POST", "/api/chats/visitors/", {}, {})).body.data as { id: string }).id;
    billing = await conversation(visitorId, [
      ["user", "My invoice shows a double charge <script>alert(1)</script>"],
      ["agent", "I have issued the reimbursement for your invoice today"],
    ]);
    shipping = await conversation(visitorId, [
      ["user", "Where is my parcel? The tracking number fails"],
      ["assistant", "Parcels usually arrive within three days."],
    ]);
    other = await conversation(otherVisitorId, [["user", "Grüße, mein Paket ist nicht angekommen"]]);
    await call("PUT", `/api/admin/sessions/${billing}/labels/`, { labels: ["billing"] }, agent);
  });

  it("finds words of visitor and agent messages, prefixes and several words, with a plain-text snippet", async () => {
    expect(await ids("q=reimbursement")).toEqual([billing]);
    expect(await ids("q=parcel")).toEqual([shipping]);
    expect(await ids("q=invoice")).toEqual([billing]);
    expect(await ids("q=reimb")).toEqual([billing]);
    expect(await ids("q=parcel%20tracking")).toEqual([shipping]);
    expect(await ids("q=parcel%20reimbursement")).toEqual([]);
    expect(await ids(`q=${encodeURIComponent("grüße paket")}`)).toEqual([other]);

    const [agentHit] = await search("q=reimbursement");
    expect(agentHit!.match).toMatchObject({ role: "agent" });
    const { text, highlights } = agentHit!.match!;
    expect(highlights.map(({ start, end }) => text.slice(start, end))).toEqual(["reimbursement"]);

    // Markup in a message stays text in the snippet; no HTML is added (offsets mark the words).
    const [scripted] = await search("q=double%20charge");
    expect(scripted!.match!.text).toContain("<script>alert(1)</script>");
    expect(scripted!.match!.text).not.toContain("<mark>");
    // Without q, no match field.
    const plain = await search("label=billing");
    expect(plain.map((item) => item.id)).toEqual([billing]);
    expect(plain[0]).not.toHaveProperty("match");
  });

  it("combines with label, mode, assignee, from and to", async () => {
    expect(await ids("q=invoice&label=billing")).toEqual([billing]);
    expect(await ids("q=parcel&label=billing")).toEqual([]);
    expect(await ids("q=invoice&mode=bot")).toEqual([billing]);
    expect(await ids("q=invoice&mode=agent")).toEqual([]);
    expect(await ids("q=invoice&assignee=none")).toEqual([billing]);
    expect(await ids("q=invoice&assignee=me")).toEqual([]);
    expect(await ids("q=invoice&from=2000-01-01&to=2999-12-31")).toEqual([billing]);
    expect(await ids("q=invoice&to=2000-01-01")).toEqual([]);
    expect(await ids("q=invoice&needs_follow_up=false")).toEqual([billing]);
  });

  it("answers hostile queries with 200 or 400, never 500, and bad dates with 400 naming the field", async () => {
    for (const q of [
      '"',
      "*",
      "AND(",
      "NEAR",
      'NEAR("a" "b", 2)',
      "invoice OR",
      "-invoice",
      "a:b",
      "'\\",
      "^x",
      "(((",
      "invoice & !",
      "<mark>x</mark>",
      "%00",
      "x".repeat(300),
      "🙂",
    ]) {
      const answer = await call("GET", `/api/admin/sessions/?q=${encodeURIComponent(q)}`, undefined, agent);
      expect([q.slice(0, 20), [200, 400].includes(answer.status)]).toEqual([q.slice(0, 20), true]);
      if (answer.status === 400) expect(answer.text).toContain("q");
    }
    expect(await ids(`q=${encodeURIComponent('"invoice"')}`)).toEqual([billing]);
    for (const [field, value] of [
      ["from", "yesterday"],
      ["to", "2026-13-40"],
    ] as const) {
      const refused = await call("GET", `/api/admin/sessions/?q=invoice&${field}=${value}`, undefined, agent);
      expect([refused.status, refused.body.code]).toEqual([400, "VALIDATION_FAILED"]);
      expect(refused.text).toContain(field);
    }
    const empty = await call("GET", `/api/admin/sessions/?q=${encodeURIComponent('"*')}`, undefined, agent);
    expect(empty.status).toBe(400);
  });

  it("the sessions page searches and marks the words, showing a message's markup as text", async () => {
    const deps = testDeps({ db: target().database.db, dialect });
    const { cookie } = await signInInProcess(
      deps,
      undefined,
      dialect === "sqlite" ? "198.51.100.61" : "198.51.100.62",
    );
    const response = await fetch(`${target().baseUrl}/admin/sessions?q=double%20charge`, {
      headers: { cookie: cookie! },
      redirect: "manual",
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<mark>double</mark>");
    expect(html).toContain("<mark>charge</mark>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain(`/admin/sessions/${billing}`);
    expect(html).not.toContain(`/admin/sessions/${shipping}`);
  });

  it("no longer finds an erased visitor's words", async () => {
    expect(await ids("q=angekommen")).toEqual([other]);
    expect((await call("DELETE", `/api/admin/visitors/${otherVisitorId}/`)).status).toBe(200);
    expect(await ids("q=angekommen")).toEqual([]);
    expect(await ids("q=invoice")).toEqual([billing]);
  });
});
