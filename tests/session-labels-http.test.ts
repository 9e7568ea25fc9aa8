/**
 * Conversation labels (issue 26, item 6 without search) over real HTTP (`next start`, both databases): an agent's
 * key sets a conversation's labels (trimmed, duplicates once, replaced as a whole), the labels in use are listed
 * with their counts, `GET /api/admin/sessions/?label=…` filters, bad labels are 400 with the field named, and the
 * change is audited. Labels are the team's: the visitor's routes never show them.
 */
import { beforeAll, expect, it } from "vitest";
import { LABEL_MAX_CHARS, LABELS_PER_SESSION_MAX } from "~/shared/labels";
import { ADMIN, agentKeyHeaders, documentedApi, type RequestHeaders } from "./helpers/documented-api";
import { describeEachServer } from "./helpers/server";

describeEachServer("conversation labels over HTTP", (target, dialect) => {
  let agent: RequestHeaders;
  let visitorId: string;
  const sessions: string[] = [];

  const api = documentedApi(target);
  const call = api.call;
  const idsOf = (answer: { body: { data?: unknown } }) =>
    (answer.body.data as { items: { id: string }[] }).items.map((item) => item.id).sort();

  beforeAll(async () => {
    await api.open();
    agent = await agentKeyHeaders(target().database, dialect);
    const visitor = await call("POST", "/api/chats/visitors/", {});
    visitorId = (visitor.body.data as { id: string }).id;
    for (let n = 0; n < 3; n += 1) {
      const session = await call("POST", "/api/chats/sessions/", { visitor_id: visitorId });
      sessions.push((session.body.data as { id: string }).id);
    }
  });

  it("sets, replaces, lists with counts and filters, as an agent-scoped key", async () => {
    const [a, b, c] = sessions as [string, string, string];
    const set = await call(
      "PUT",
      `/api/admin/sessions/${a}/labels/`,
      { labels: [" billing ", "vip", "billing"] },
      agent,
    );
    expect(set.status).toBe(200);
    expect(set.body.data).toEqual({ session_id: a, labels: ["billing", "vip"] });
    await call("PUT", `/api/admin/sessions/${b}/labels/`, { labels: ["billing"] }, agent);
    await call("PUT", `/api/admin/sessions/${c}/labels/`, { labels: ["bug"] }, agent);

    const inUse = await call("GET", "/api/admin/labels/", undefined, agent);
    expect(inUse.status).toBe(200);
    expect(inUse.body.data).toEqual({
      items: [
        { label: "billing", count: 2 },
        { label: "bug", count: 1 },
        { label: "vip", count: 1 },
      ],
    });

    expect(idsOf(await call("GET", "/api/admin/sessions/?label=billing", undefined, agent))).toEqual(
      [a, b].sort(),
    );
    expect(idsOf(await call("GET", "/api/admin/sessions/?label=bug", undefined, agent))).toEqual([c]);
    expect(idsOf(await call("GET", "/api/admin/sessions/?label=nothing", undefined, agent))).toEqual([]);
    // The labels are part of the admin's session: the list and the transcript.
    const transcript = await call("GET", `/api/admin/sessions/${a}/`, undefined, agent);
    expect((transcript.body.data as { session: { labels: string[] } }).session.labels).toEqual([
      "billing",
      "vip",
    ]);

    // Replacing: vip goes, urgent comes; [] clears.
    const replaced = await call(
      "PUT",
      `/api/admin/sessions/${a}/labels/`,
      { labels: ["urgent", "billing"] },
      agent,
    );
    expect(replaced.body.data).toEqual({ session_id: a, labels: ["billing", "urgent"] });
    await call("PUT", `/api/admin/sessions/${c}/labels/`, { labels: [] }, ADMIN);
    const after = (await call("GET", "/api/admin/labels/", undefined, ADMIN)).body.data as {
      items: { label: string; count: number }[];
    };
    expect(after.items).toEqual([
      { label: "billing", count: 2 },
      { label: "urgent", count: 1 },
    ]);

    // Audited: who, which session, how many — not the labels.
    const entries = await target().database.db.auditEntry.findMany({
      where: { action: "session.labels_changed", object_id: a },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    expect(entries.map((entry) => entry.detail)).toEqual([
      { labels: 2, added: 2, removed: 0 },
      { labels: 2, added: 1, removed: 1 },
    ]);
    expect(entries[0]).toMatchObject({
      actor_kind: "api_key",
      actor_name: "agent bridge",
      object_type: "session",
    });

    // The visitor's own routes never carry them.
    for (const path of [
      `/api/chats/sessions/${a}/?visitor_id=${visitorId}`,
      `/api/chats/sessions/?visitor_id=${visitorId}`,
    ]) {
      const answer = await call("GET", path);
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain("urgent");
    }
  });

  it("refuses bad labels with the field named, and an unknown session", async () => {
    const [a] = sessions as [string];
    for (const labels of [
      [""],
      ["   "],
      ["x".repeat(LABEL_MAX_CHARS + 1)],
      Array.from({ length: LABELS_PER_SESSION_MAX + 1 }, (_, n) => `l${n}`),
      "billing",
      [7],
    ]) {
      const refused = await call("PUT", `/api/admin/sessions/${a}/labels/`, { labels }, agent);
      expect([JSON.stringify(labels).slice(0, 30), refused.status, refused.body.code]).toEqual([
        JSON.stringify(labels).slice(0, 30),
        400,
        "VALIDATION_FAILED",
      ]);
      expect(refused.text).toContain("labels");
    }
    const exact = await call(
      "PUT",
      `/api/admin/sessions/${a}/labels/`,
      { labels: ["x".repeat(LABEL_MAX_CHARS)] },
      agent,
    );
    expect(exact.status).toBe(200);
    const unknown = await call(
      "PUT",
      "/api/admin/sessions/00000000-0000-4000-8000-000000000000/labels/",
      { labels: ["a"] },
      agent,
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, "SESSION_NOT_FOUND"]);
    const tooLongFilter = await call(
      "GET",
      `/api/admin/sessions/?label=${"y".repeat(LABEL_MAX_CHARS + 1)}`,
      undefined,
      agent,
    );
    expect(tooLongFilter.status).toBe(400);
  });

  it("labels are erased with the visitor", async () => {
    expect((await call("DELETE", `/api/admin/visitors/${visitorId}/`, undefined, ADMIN)).status).toBe(200);
    expect(await target().database.db.sessionLabel.count({ where: { session_id: { in: sessions } } })).toBe(
      0,
    );
    expect((await call("GET", "/api/admin/labels/", undefined, ADMIN)).body.data).toEqual({ items: [] });
  });
});
