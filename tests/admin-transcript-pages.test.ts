/**
 * The admin transcript read is paged (a 10,000-message session was one 23 MB page): keyset pages of messages,
 * oldest first, with next_cursor; the session's counts stay those of the whole session.
 */
import { beforeAll, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";
import { testDeps } from "./helpers/deps";

describeEachDatabase("admin transcript pages", (database) => {
  let deps: ChatDeps;
  let sessionId = "";
  const admin = () => adminCaller(deps, bearer(TEST_ADMIN_API_KEY), "198.51.100.98").admin;

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id, title: "long" } });
    sessionId = session.id;
    const start = Date.UTC(2024, 0, 1);
    // 450 messages, the first 150 at one instant: the keyset must fall back on the id.
    await deps.db.message.createMany({
      data: Array.from({ length: 450 }, (_, index) => ({
        session_id: session.id,
        role: index % 2 === 0 ? ("user" as const) : ("assistant" as const),
        status: index === 7 ? ("failed" as const) : ("complete" as const),
        content: `m${index}`,
        created_at: new Date(index < 150 ? start : start + index * 1000),
      })),
    });
  });

  it("pages the messages (200 by default) without skipping or repeating any; counts are the session's", async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await admin().sessions.transcript({ id: sessionId, cursor });
      expect(page.session).toMatchObject({ id: sessionId, message_count: 450, failed_count: 1 });
      sizes.push(page.messages.length);
      seen.push(...page.messages.map((message) => message.id));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(sizes).toEqual([200, 200, 50]);
    expect(new Set(seen).size).toBe(450);
    const rows = await deps.db.message.findMany({
      where: { session_id: sessionId },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
      select: { id: true },
    });
    expect(seen).toEqual(rows.map((row) => row.id));
  });

  it("takes a smaller limit, and refuses a cursor that is not one", async () => {
    const page = await admin().sessions.transcript({ id: sessionId, limit: 10 });
    expect(page.messages).toHaveLength(10);
    expect(page.next_cursor).toEqual(expect.any(String));
    await expectTrpcError(
      admin().sessions.transcript({ id: sessionId, cursor: "nope" }),
      "BAD_REQUEST",
      "INVALID_CURSOR",
    );
  });
});
