/**
 * How many SQL statements one chat message costs (the hot path): counted at the driver adapter, so every
 * statement Prisma sends is seen (transaction starts and ends included). A behaviour check, not a timing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { chat } from "~/server/chat/messages/messages.service";
import {
  forgetWebhookSubscriptions,
  refreshWebhookSubscriptions,
} from "~/server/chat/webhooks/webhook-events";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { openDatabase, type Database } from "~/server/db/client";
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from "../testing/test-database";
import { ScriptedResponder } from "../testing/responders";
import { testDeps } from "./helpers/deps";

for (const dialect of dialectsUnderTest()) {
  describe(`SQL statements per chat message [${dialect}]`, () => {
    let testDatabase: TestDatabase | undefined;
    let database: Database | undefined;
    let statements: string[] = [];
    beforeAll(async () => {
      testDatabase = await createTestDatabase(dialect);
      database = await openDatabase(testDatabase.url, { onStatement: (sql) => statements.push(sql) });
    });
    afterAll(async () => {
      await database?.close();
      await testDatabase?.drop();
    });

    async function counted<T>(work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
      statements = [];
      const result = await work();
      const sql = statements;
      statements = [];
      return { result, sql };
    }

    it("a visitor message on a session with history costs at most 4 statements, the stored reply two more", async () => {
      const deps: ChatDeps = testDeps(database!, { responder: new ScriptedResponder(["Hello", " there"]) });
      const visitor = await createVisitor(deps, {});
      const session = await createSession(deps, { visitor_id: visitor.id });
      const input = { session_id: session.id, visitor_id: visitor.id };

      const first = await counted(() => chat(deps, { ...input, message: "first question" }));
      expect(first.result.assistant_message?.content).toBe("Hello there");

      // No webhook endpoint: no outbox row at all (the cache of subscriptions is read first, as a server has).
      await refreshWebhookSubscriptions(database!.db);
      const second = await counted(() => chat(deps, { ...input, message: "second question" }));
      expect(second.result.assistant_message).toMatchObject({ content: "Hello there", status: "complete" });
      // Ownership + history, the insert of both messages, the session bump; then the reply's final save.
      const data = second.sql.filter((sql) => !/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql));
      expect(data, second.sql.join("\n")).toHaveLength(4);
      expect(data.slice(0, -1).length, "before the reply").toBeLessThanOrEqual(3);
      expect(data.filter((sql) => /webhook_events/i.test(sql))).toHaveLength(0);
      // One transaction for the visitor message (insert, bumps); the final save is a single raw statement, in no
      // transaction of its own.
      expect(
        second.sql.filter((sql) => sql === "BEGIN"),
        second.sql.join("\n"),
      ).toHaveLength(1);
      const transaction = second.sql.slice(second.sql.indexOf("BEGIN") + 1, second.sql.indexOf("COMMIT"));
      expect(transaction, second.sql.join("\n")).toHaveLength(2);
      expect(transaction[0]).toMatch(/^insert\s+into\s+\S*messages/i);
      expect(transaction[1]).toMatch(/^update\s+\S*sessions/i);
      expect(second.sql.at(-1)).toMatch(/^update\s+\S*messages/i);
      expect(
        second.sql.some((sql) => /update\s+\S*visitors/i.test(sql)),
        "visitor bump skipped",
      ).toBe(false);

      // The behaviour is unchanged: history, the title from the first message, the session bump.
      const stored = await deps.db.session.findUniqueOrThrow({ where: { id: session.id } });
      expect(stored.title).toBe("first question");
      expect(stored.updated_at.getTime()).toBe(Date.parse(second.result.assistant_message?.created_at ?? ""));
      const responder = deps.responder as ScriptedResponder;
      expect(responder.calls[1]?.history).toEqual([
        { role: "user", content: "first question" },
        { role: "assistant", content: "Hello there" },
      ]);

      // With an endpoint for message.created: the message's event in its transaction, the reply's in the save's.
      await deps.db.webhookEndpoint.create({
        data: { url: "https://hooks.example.com/x", events: ["message.created"], secret: "whsec_test" },
      });
      forgetWebhookSubscriptions(database!.db);
      await refreshWebhookSubscriptions(database!.db);
      const third = await counted(() => chat(deps, { ...input, message: "third question" }));
      const withHooks = third.sql.filter((sql) => !/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql));
      expect(withHooks, third.sql.join("\n")).toHaveLength(6);
      expect(withHooks.filter((sql) => /insert\s+into\s+\S*webhook_events/i.test(sql))).toHaveLength(2);
      expect(third.sql.filter((sql) => sql === "BEGIN")).toHaveLength(2);
      await deps.db.webhookEndpoint.deleteMany();
      forgetWebhookSubscriptions(database!.db);
    });

    it("the first message of a session still checks ownership, sets the title and records the visitor", async () => {
      const deps: ChatDeps = testDeps(database!, { responder: new ScriptedResponder(["ok"]) });
      const visitor = await createVisitor(deps, {});
      const session = await createSession(deps, { visitor_id: visitor.id });
      const before = await deps.db.visitor.findUniqueOrThrow({ where: { id: visitor.id } });
      const first = await counted(() =>
        chat(deps, { session_id: session.id, visitor_id: visitor.id, message: "  a   title  " }),
      );
      expect(first.sql.some((sql) => /update\s+\S*visitors/i.test(sql))).toBe(true);
      const after = await deps.db.visitor.findUniqueOrThrow({ where: { id: visitor.id } });
      expect(after.last_seen_at.getTime()).toBeGreaterThanOrEqual(before.last_seen_at.getTime());
      expect((await deps.db.session.findUniqueOrThrow({ where: { id: session.id } })).title).toBe("a title");

      // Someone else's session with history is refused as before.
      const other = await createVisitor(deps, {});
      await expect(
        chat(deps, { session_id: session.id, visitor_id: other.id, message: "mine?" }),
      ).rejects.toMatchObject({ code: "SESSION_OF_ANOTHER_VISITOR" });
    });
  });
}
