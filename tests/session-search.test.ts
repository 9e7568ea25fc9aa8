/**
 * Full-text search of conversations (issue 26, item 6) in the domain, on both databases and their own indexes
 * (SQLite FTS5 fts_messages, PostgreSQL GIN on to_tsvector('simple', content)): words from visitor and agent
 * messages, prefixes, several words, accents and Arabic; conversations ranked by their newest matching message
 * over more matches than one batch read from the index; filters combine; snippets are plain text with offsets;
 * erasure and edits reach the index; hostile input is words, never syntax.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { listAdminSessions } from "~/server/admin/sessions/session-admin.service";
import { listAdminSessionsInputSchema } from "~/server/admin/sessions/session-admin.schema";
import { MATCH_BATCHES, searchPage } from "~/server/admin/sessions/session-search";
import type { ChatDeps } from "~/server/chat/deps";
import { eraseVisitor } from "~/server/chat/visitors/erase-visitor";
import { snippetOf, snippetPieces, searchWords } from "~/shared/search-snippet";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

describe("search words and snippets", () => {
  it("takes words only: quotes, operators and punctuation separate them", () => {
    expect(searchWords('"refund* AND( NEAR(invoice) -x:y')).toEqual([
      "refund",
      "and",
      "near",
      "invoice",
      "x",
      "y",
    ]);
    expect(searchWords("\"'*()")).toEqual([]);
    expect(searchWords("Grüße مرحبا")).toEqual(["grüße", "مرحبا"]);
  });

  it("marks every word starting with a search word, as offsets into plain text", () => {
    const snippet = snippetOf("Hello <b>Refunds</b> are refunded", ["refund"]);
    expect(snippet.text).toBe("Hello <b>Refunds</b> are refunded");
    expect(snippet.highlights.map(({ start, end }) => snippet.text.slice(start, end))).toEqual([
      "Refunds",
      "refunded",
    ]);
    expect(snippetPieces(snippet).map((piece) => piece.marked)).toEqual([false, true, false, true]);
    const long = snippetOf(`${"a ".repeat(200)}needle ${"b ".repeat(200)}`, ["needle"]);
    expect(long.text.startsWith("…")).toBe(true);
    expect(long.text.endsWith("…")).toBe(true);
    const [hit] = long.highlights;
    expect(long.text.slice(hit!.start, hit!.end)).toBe("needle");
  });
});

describeEachDatabase("conversation search", (database, dialect) => {
  let deps: ChatDeps;
  const list = (query: Record<string, string>) =>
    listAdminSessions(deps, listAdminSessionsInputSchema.parse(query), "me-agent");
  const ids = async (query: Record<string, string>) =>
    (await list(query)).items.map((item) => item.id).sort();

  async function conversation(
    messages: [role: "user" | "assistant" | "agent" | "system", content: string][],
  ) {
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id } });
    for (const [role, content] of messages)
      await deps.db.message.create({ data: { session_id: session.id, role, content } });
    return { visitorId: visitor.id, sessionId: session.id };
  }

  let billing: { visitorId: string; sessionId: string };
  let shipping: { visitorId: string; sessionId: string };
  let arabic: { visitorId: string; sessionId: string };

  beforeAll(async () => {
    deps = testDeps(database());
    billing = await conversation([
      ["user", "My invoice shows a double charge, I want a refund"],
      ["assistant", "I can hand you to a person."],
      ["agent", "Your reimbursement zeppelin is on its way"],
      ["system", "agent_joined"],
    ]);
    shipping = await conversation([
      ["user", "Where is my parcel? The tracking number does not work"],
      ["agent", "The parcel left the warehouse today"],
    ]);
    arabic = await conversation([
      ["user", "مرحبا، أريد استرداد المبلغ"],
      ["user", "Grüße aus Köln, café au lait"],
    ]);
    await deps.db.sessionLabel.create({ data: { session_id: billing.sessionId, label: "billing" } });
  });

  it("finds a word of a visitor's message and of an agent's, with the matching message as snippet", async () => {
    expect(await ids({ q: "invoice" })).toEqual([billing.sessionId]);
    const agentWord = await list({ q: "zeppelin" });
    expect(agentWord.items.map((item) => item.id)).toEqual([billing.sessionId]);
    const match = agentWord.items[0]!.match!;
    expect(match.role).toBe("agent");
    expect(match.text).toBe("Your reimbursement zeppelin is on its way");
    expect(match.highlights.map(({ start, end }) => match.text.slice(start, end))).toEqual(["zeppelin"]);
    expect(await ids({ q: "parcel" })).toEqual([shipping.sessionId]);
  });

  it("matches prefixes, every word in one message, ignoring case", async () => {
    expect(await ids({ q: "REIMB" })).toEqual([billing.sessionId]);
    expect(await ids({ q: "parcel tracking" })).toEqual([shipping.sessionId]);
    // Both words occur in the conversation, but not in one message.
    expect(await ids({ q: "parcel warehouse tracking" })).toEqual([]);
    expect(await ids({ q: "parcel zeppelin" })).toEqual([]);
    expect(await ids({ q: "grüße köln" })).toEqual([arabic.sessionId]);
    expect(await ids({ q: "مرحبا" })).toEqual([arabic.sessionId]);
    expect(await ids({ q: "استرد" })).toEqual([arabic.sessionId]);
  });

  it("finds the same page whichever way PostgreSQL reads it (GIN index, filtered sessions, created_at walk)", async () => {
    if (dialect !== "postgresql") return;
    for (const q of [
      "refund",
      "REIMB",
      "parcel tracking",
      "grüße köln",
      "استرد",
      "parcel zeppelin",
      "agent_joined",
      "the",
    ])
      for (const filters of [{}, { label: "billing" }, { holder: { unheld: true as const } }]) {
        const words = searchWords(q);
        const gin = await searchPage(deps, words, filters, 50, "gin");
        expect(await searchPage(deps, words, filters, 50, "walk")).toEqual(gin);
        expect(await searchPage(deps, words, filters, 50, "filtered")).toEqual(gin);
        if (["refund", "REIMB"].includes(q)) expect(gin.length).toBeGreaterThan(0);
        if (["parcel zeppelin", "agent_joined"].includes(q)) expect(gin).toEqual([]);
      }
  });

  it("does not search system lines", async () => {
    expect(await ids({ q: "agent_joined" })).toEqual([]);
  });

  it("combines with the label, mode, assignee and date filters", async () => {
    expect(await ids({ q: "parcel", label: "billing" })).toEqual([]);
    expect(await ids({ q: "refund", label: "billing" })).toEqual([billing.sessionId]);
    expect(await ids({ q: "refund", mode: "agent" })).toEqual([]);
    expect(await ids({ q: "refund", mode: "bot" })).toEqual([billing.sessionId]);
    expect(await ids({ q: "refund", assignee: "none" })).toEqual([billing.sessionId]);
    expect(await ids({ q: "refund", from: "2000-01-01" })).toEqual([billing.sessionId]);
    expect(await ids({ q: "refund", to: "2000-01-01" })).toEqual([]);
  });

  it("applies every list filter inside the search as the list applies it", async () => {
    // Six conversations saying "kiwi", each different in what the filters look at.
    const kiwi = async () => (await conversation([["user", "kiwi smoothie"]])).sessionId;
    const [plain, held, mine, failed, queued, late] = [
      await kiwi(),
      await kiwi(),
      await kiwi(),
      await kiwi(),
      await kiwi(),
      await kiwi(),
    ];
    await deps.db.session.update({ where: { id: held! }, data: { mode: "agent", agent_id: "other" } });
    await deps.db.session.update({ where: { id: mine! }, data: { mode: "agent", agent_id: "me-agent" } });
    await deps.db.message.create({
      data: { session_id: failed!, role: "assistant", content: "…", status: "failed" },
    });
    await deps.db.session.update({
      where: { id: queued! },
      data: { mode: "waiting", handoff_requested_at: new Date(), follow_up_since: new Date() },
    });
    // Asked for a person longer ago than the handoff timeout: left out of the waiting queue.
    await deps.db.session.update({
      where: { id: late! },
      data: { mode: "waiting", handoff_requested_at: new Date(Date.UTC(2020, 0, 1)) },
    });
    await deps.db.sessionLabel.createMany({
      data: ["fruit", "breakfast"].map((label) => ({ session_id: plain!, label })),
    });
    await deps.db.visitor.update({
      where: { id: (await deps.db.session.findUniqueOrThrow({ where: { id: plain! } })).visitor_id },
      data: { email: "kiwi@example.com" },
    });
    const visitorOfPlain = (await deps.db.session.findUniqueOrThrow({ where: { id: plain! } })).visitor_id;
    const found = await ids({ q: "kiwi", limit: "100" });
    expect(found).toEqual([plain, held, mine, failed, queued, late].sort());
    const filters: Record<string, string>[] = [
      { label: "fruit" },
      { mode: "agent" },
      { mode: "waiting" },
      { mode: "bot" },
      { assignee: "me" },
      { assignee: "none" },
      { assignee: "other" },
      { status: "failed" },
      { status: "ok" },
      { needs_follow_up: "true" },
      { needs_follow_up: "false" },
      { visitor_id: visitorOfPlain },
      { from: new Date().toISOString().slice(0, 10) },
      { to: "2000-01-01" },
      { mode: "agent", assignee: "me", status: "ok" },
    ];
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    for (const filter of filters) {
      // The same conversations, and the same items (counts, labels, email) apart from the match.
      const listed = (await list({ ...filter, limit: "100" })).items.filter((item) =>
        found.includes(item.id),
      );
      const searched = (await list({ ...filter, q: "kiwi", limit: "100" })).items.map(
        ({ match: _match, ...item }) => item,
      );
      expect({ filter, items: searched.sort(byId) }).toEqual({ filter, items: listed.sort(byId) });
    }
    expect(await ids({ q: "kiwi", mode: "waiting" })).toEqual([queued]);
    expect(await ids({ q: "kiwi", assignee: "me" })).toEqual([mine]);
    expect(await ids({ q: "kiwi", status: "failed" })).toEqual([failed]);
    expect(await ids({ q: "kiwi", label: "fruit" })).toEqual([plain]);
  });

  it("reads further windows when the first holds fewer conversations than the page", async () => {
    // One conversation with more matching messages than the first window, newer than another one's match.
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const [busy, older] = [randomUUID(), randomUUID()];
    await deps.db.session.createMany({
      data: [busy, older].map((id) => ({ id, visitor_id: visitor.id })),
    });
    await deps.db.message.create({
      data: {
        session_id: older,
        role: "user",
        content: "persimmon once",
        created_at: new Date(Date.UTC(2029, 0, 1)),
      },
    });
    await deps.db.message.createMany({
      data: Array.from({ length: MATCH_BATCHES[0] + 10 }, (_, n) => ({
        session_id: busy,
        role: "user" as const,
        content: `persimmon again ${n}`,
        created_at: new Date(Date.UTC(2029, 0, 2, 0, 0, n)),
      })),
    });
    const page = await list({ q: "persimmon" });
    expect(page.items.map((item) => item.id)).toEqual([busy, older]);
    expect(page.items[0]!.match!.text).toBe(`persimmon again ${MATCH_BATCHES[0] + 9}`);
    expect(page.items[1]!.match!.text).toBe("persimmon once");
  }, 120_000);

  it("treats hostile input as words", async () => {
    for (const q of [
      '"',
      "*",
      "AND(",
      "NEAR",
      'NEAR("a" "b")',
      "refund OR",
      "-refund",
      "a:b",
      "'\\",
      "^x",
      "!!",
    ]) {
      const parsed = listAdminSessionsInputSchema.safeParse({ q });
      if (!parsed.success) continue;
      await expect(listAdminSessions(deps, parsed.data, "me")).resolves.toHaveProperty("items");
    }
    expect(listAdminSessionsInputSchema.safeParse({ q: '"*' }).success).toBe(false);
    expect(listAdminSessionsInputSchema.safeParse({ q: "x".repeat(201) }).success).toBe(false);
    expect(await ids({ q: '"refund"' })).toEqual([billing.sessionId]);
  });

  it("follows edits and erasure: an erased visitor's words are no longer found", async () => {
    const edited = await conversation([["user", "temporary quokka"]]);
    expect(await ids({ q: "quokka" })).toEqual([edited.sessionId]);
    await deps.db.message.updateMany({
      where: { session_id: edited.sessionId },
      data: { content: "wombat" },
    });
    expect(await ids({ q: "quokka" })).toEqual([]);
    expect(await ids({ q: "wombat" })).toEqual([edited.sessionId]);
    // SQLite's index pages hold each word's tail at least (terms are prefix-compressed): "mbat" of "wombat".
    const inIndexPages = async (text: string) =>
      (
        await deps.db.$queryRawUnsafe<{ block: Uint8Array | null }[]>("SELECT block FROM fts_messages_data")
      ).some((row) => row.block !== null && Buffer.from(row.block).includes(text));
    if (dialect === "sqlite") expect(await inIndexPages("mbat")).toBe(true);
    await eraseVisitor(deps, edited.visitorId);
    expect(await ids({ q: "wombat" })).toEqual([]);
    // secure-delete: the word left the FTS5 index's own pages too, not only the results.
    if (dialect === "sqlite") expect(await inIndexPages("mbat")).toBe(false);
  });

  it("ranks conversations by their newest matching message, reading the index in batches", async () => {
    // More matching messages than the first batch, one conversation each, the oldest three labelled.
    const count = MATCH_BATCHES[0] + 100;
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const sessions = Array.from({ length: count }, () => randomUUID());
    await deps.db.session.createMany({ data: sessions.map((id) => ({ id, visitor_id: visitor.id })) });
    await deps.db.message.createMany({
      data: sessions.map((session_id, n) => ({
        session_id,
        role: "user" as const,
        content: `ubiquitous word ${n}`,
        created_at: new Date(Date.UTC(2030, 0, 1, 0, 0, n)),
      })),
    });
    const newestFirst = [...sessions].reverse();
    const page = await list({ q: "ubiquitous", limit: "50" });
    expect(page.items.map((item) => item.id)).toEqual(newestFirst.slice(0, 50));
    expect(page.next_cursor).toBeNull();
    expect(page.items[0]!.match!.text).toBe(`ubiquitous word ${count - 1}`);
    await deps.db.sessionLabel.createMany({
      data: sessions.slice(0, 3).map((session_id) => ({ session_id, label: "old" })),
    });
    expect((await list({ q: "ubiquitous", label: "old" })).items.map((item) => item.id)).toEqual(
      sessions.slice(0, 3).reverse(),
    );
    // A newer matching message moves its conversation first.
    await deps.db.message.create({
      data: {
        session_id: sessions[0]!,
        role: "agent",
        content: "ubiquitous again",
        created_at: new Date(Date.UTC(2031, 0, 1)),
      },
    });
    expect((await list({ q: "ubiquitous", limit: "2" })).items.map((item) => item.id)).toEqual([
      sessions[0],
      newestFirst[0],
    ]);
  }, 120_000);
});
