import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import type { ChatDeps } from "~/server/chat/deps";
import { LIMITS } from "~/server/chat/limits";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";
import { ScriptedResponder } from "../testing/responders";
import { testDeps } from "./helpers/deps";

const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";

describeEachDatabase("visitor → session → chat through the tRPC routers", (database) => {
  let responder: ScriptedResponder;
  let api: ReturnType<typeof createCaller>;
  let deps: ChatDeps;

  beforeAll(() => {
    responder = new ScriptedResponder(["Hello", ", ", "visitor", "!"]);
    deps = testDeps(database(), { responder });
    api = createCaller({ getDeps: async () => deps, headers: new Headers(), ip: "203.0.113.7" });
  });
  beforeEach(() => responder.script(["Hello", ", ", "visitor", "!"]));

  describe("visitors", () => {
    it("creates a visitor with a server-generated uuid and metadata", async () => {
      const visitor = await api.visitors.create({ metadata: { locale: "en-GB", nested: { a: [1, 2] } } });
      expect(visitor.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(visitor.metadata).toEqual({ locale: "en-GB", nested: { a: [1, 2] } });
      expect(visitor.created_at).toBe(visitor.last_seen_at);
      const empty = await api.visitors.create({});
      expect(empty.metadata).toEqual({});
      expect(empty.id).not.toBe(visitor.id);
    });

    it("validates an existing visitor and records the visit", async () => {
      const visitor = await api.visitors.create({});
      await new Promise((resolve) => setTimeout(resolve, 5));
      const result = await api.visitors.validate({ id: visitor.id.toUpperCase() });
      expect(result.valid).toBe(true);
      expect(result.visitor.id).toBe(visitor.id);
      expect(Date.parse(result.visitor.last_seen_at)).toBeGreaterThan(Date.parse(visitor.last_seen_at));
      const stored = await database().db.visitor.findUniqueOrThrow({ where: { id: visitor.id } });
      expect(stored.last_seen_at.toISOString()).toBe(result.visitor.last_seen_at);
    });

    it("reports unknown and malformed visitor ids as not found, telling the caller to create one", async () => {
      for (const id of [UNKNOWN_UUID, "not-a-uuid", "'; DROP TABLE visitors; --", "1"]) {
        await expectTrpcError(
          api.visitors.validate({ id }),
          "NOT_FOUND",
          "VISITOR_NOT_FOUND",
          /Create one with POST \/api\/chats\/visitors\//,
        );
      }
    });

    it("refuses metadata that is not an object or is over the size limit, storing nothing", async () => {
      const before = await database().db.visitor.count();
      for (const metadata of [[1, 2], "text", 42, null]) {
        await expectTrpcError(
          api.visitors.create({ metadata: metadata as never }),
          "BAD_REQUEST",
          "VALIDATION_FAILED",
          /JSON object/,
        );
      }
      const big = { blob: "x".repeat(LIMITS.metadataMaxBytes) };
      await expectTrpcError(
        api.visitors.create({ metadata: big }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        /at most 8192 bytes/,
      );
      const justFits = { b: "x".repeat(LIMITS.metadataMaxBytes - '{"b":""}'.length) };
      await expect(api.visitors.create({ metadata: justFits })).resolves.toMatchObject({
        metadata: justFits,
      });
      expect(await database().db.visitor.count()).toBe(before + 1);
    });
  });

  describe("sessions", () => {
    it("requires visitor_id, with a message that says to create a visitor first", async () => {
      const error = await expectTrpcError(
        api.sessions.create({} as never),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        /visitor_id is required\. Create a visitor with POST \/api\/chats\/visitors\/ first/,
      );
      expect(error.cause).toBeDefined();
      await expectTrpcError(
        api.sessions.create({ visitor_id: UNKNOWN_UUID }),
        "NOT_FOUND",
        "VISITOR_NOT_FOUND",
        /Visitor not found/,
      );
      await expectTrpcError(
        api.sessions.create({ visitor_id: "garbage" }),
        "NOT_FOUND",
        "VISITOR_NOT_FOUND",
        /Visitor not found/,
      );
    });

    it("creates, gets, renames and deletes a session the visitor owns", async () => {
      const visitor = await api.visitors.create({});
      const session = await api.sessions.create({ visitor_id: visitor.id, title: "  Billing  " });
      expect(session).toMatchObject({ visitor_id: visitor.id, title: "Billing" });
      expect(await api.sessions.get({ id: session.id, visitor_id: visitor.id })).toEqual(session);

      const renamed = await api.sessions.rename({ id: session.id, visitor_id: visitor.id, title: "Refunds" });
      expect(renamed.title).toBe("Refunds");
      expect(renamed.updated_at).toBe(session.updated_at);

      await expectTrpcError(
        api.sessions.rename({
          id: session.id,
          visitor_id: visitor.id,
          title: "x".repeat(LIMITS.titleMaxChars + 1),
        }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
      );
      expect((await api.sessions.get({ id: session.id, visitor_id: visitor.id })).title).toBe("Refunds");

      await api.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "hi" });
      expect(await api.sessions.delete({ id: session.id, visitor_id: visitor.id })).toEqual({
        id: session.id,
        deleted: true,
      });
      await expectTrpcError(
        api.sessions.get({ id: session.id, visitor_id: visitor.id }),
        "NOT_FOUND",
        "SESSION_NOT_FOUND",
        /Session not found/,
      );
      expect(await database().db.message.count({ where: { session_id: session.id } })).toBe(0);
    });

    it("never lets a visitor reach another visitor's session", async () => {
      const owner = await api.visitors.create({});
      const intruder = await api.visitors.create({});
      const session = await api.sessions.create({ visitor_id: owner.id });
      await api.messages.chat({ session_id: session.id, visitor_id: owner.id, message: "my secret" });
      const other = { id: session.id, visitor_id: intruder.id };
      const forbidden = /This session belongs to another visitor/;
      await expectTrpcError(api.sessions.get(other), "FORBIDDEN", "SESSION_OF_ANOTHER_VISITOR", forbidden);
      await expectTrpcError(
        api.sessions.rename({ ...other, title: "mine now" }),
        "FORBIDDEN",
        "SESSION_OF_ANOTHER_VISITOR",
        forbidden,
      );
      await expectTrpcError(api.sessions.delete(other), "FORBIDDEN", "SESSION_OF_ANOTHER_VISITOR", forbidden);
      await expectTrpcError(
        api.messages.list({ ...other, limit: 20, order: "asc" }),
        "FORBIDDEN",
        "SESSION_OF_ANOTHER_VISITOR",
        forbidden,
      );
      await expectTrpcError(
        api.messages.chat({ session_id: session.id, visitor_id: intruder.id, message: "hello?" }),
        "FORBIDDEN",
        "SESSION_OF_ANOTHER_VISITOR",
        forbidden,
      );
      const intruderSessions = await api.sessions.list({ visitor_id: intruder.id, limit: 20 });
      expect(intruderSessions.items).toEqual([]);
      // Nothing changed for the owner.
      const messages = await api.messages.list({
        id: session.id,
        visitor_id: owner.id,
        limit: 20,
        order: "asc",
      });
      expect(messages.items.map((message) => message.content)).toEqual(["my secret", "Hello, visitor!"]);
      expect((await api.sessions.get({ id: session.id, visitor_id: owner.id })).title).toBe("my secret");
    });

    it("lists a visitor's sessions by latest activity, page by page", async () => {
      const visitor = await api.visitors.create({});
      const created = [];
      for (let index = 0; index < 5; index += 1) {
        created.push(await api.sessions.create({ visitor_id: visitor.id, title: `s${index}` }));
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      // Activity on the oldest session moves it to the top.
      await api.messages.chat({ session_id: created[0]!.id, visitor_id: visitor.id, message: "bump" });

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.sessions.list({ visitor_id: visitor.id, limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((session) => session.title ?? ""));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(["s0", "s4", "s3", "s2", "s1"]);

      await expectTrpcError(
        api.sessions.list({ visitor_id: visitor.id, limit: 2, cursor: "bogus" }),
        "BAD_REQUEST",
        "INVALID_CURSOR",
        /cursor/,
      );
      await expectTrpcError(
        api.sessions.list({ visitor_id: visitor.id, limit: 1000 }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
      );
    });
  });

  describe("chat", () => {
    it("stores the message and the reply, names the session, and returns both", async () => {
      const visitor = await api.visitors.create({});
      const session = await api.sessions.create({ visitor_id: visitor.id });
      expect(session.title).toBeNull();
      const result = await api.messages.chat({
        session_id: session.id,
        visitor_id: visitor.id,
        message: "  How   do I embed\nthe widget?  ",
      });
      expect(result.user_message).toMatchObject({
        role: "user",
        content: "How   do I embed\nthe widget?",
        status: "complete",
      });
      expect(result.assistant_message).toMatchObject({
        role: "assistant",
        content: "Hello, visitor!",
        status: "complete",
      });
      expect(responder.calls.at(-1)?.message).toBe("How   do I embed\nthe widget?");

      const stored = await api.messages.list({
        id: session.id,
        visitor_id: visitor.id,
        limit: 20,
        order: "asc",
      });
      expect(stored.items).toEqual([result.user_message, result.assistant_message]);
      const after = await api.sessions.get({ id: session.id, visitor_id: visitor.id });
      expect(after.title).toBe("How do I embed the widget?");
      expect(Date.parse(after.updated_at)).toBeGreaterThan(Date.parse(session.updated_at) - 1);

      // The first message names the session only once.
      await api.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "Second question" });
      expect((await api.sessions.get({ id: session.id, visitor_id: visitor.id })).title).toBe(
        "How do I embed the widget?",
      );
    });

    it("hands the responder the session's earlier turns in order", async () => {
      const visitor = await api.visitors.create({});
      const session = await api.sessions.create({ visitor_id: visitor.id });
      await api.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "one" });
      await api.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "two" });
      expect(responder.calls.at(-1)?.history).toEqual([
        { role: "user", content: "one" },
        { role: "assistant", content: "Hello, visitor!" },
      ]);
    });

    it("refuses empty, blank, oversize or missing messages and stores nothing", async () => {
      const visitor = await api.visitors.create({});
      const session = await api.sessions.create({ visitor_id: visitor.id });
      const ids = { session_id: session.id, visitor_id: visitor.id };
      await expectTrpcError(
        api.messages.chat({ ...ids, message: "" }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        /message must not be empty/,
      );
      await expectTrpcError(
        api.messages.chat({ ...ids, message: " \n\t " }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        /message must not be empty/,
      );
      await expectTrpcError(
        api.messages.chat({ ...ids, message: "x".repeat(LIMITS.messageMaxChars + 1) }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        /at most 4000 characters/,
      );
      await expectTrpcError(
        api.messages.chat({ ...ids } as never),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        /message is required/,
      );
      await expectTrpcError(
        api.messages.chat({ session_id: session.id, message: "hi" } as never),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        /visitor_id is required/,
      );
      expect(await database().db.message.count({ where: { session_id: session.id } })).toBe(0);
      const fits = await api.messages.chat({ ...ids, message: "é".repeat(LIMITS.messageMaxChars) });
      expect(fits.user_message.content).toHaveLength(LIMITS.messageMaxChars);
    });

    it("reports unknown sessions and visitors as not found", async () => {
      const visitor = await api.visitors.create({});
      await expectTrpcError(
        api.messages.chat({ session_id: UNKNOWN_UUID, visitor_id: visitor.id, message: "hi" }),
        "NOT_FOUND",
        "SESSION_NOT_FOUND",
        /Session not found/,
      );
      await expectTrpcError(
        api.messages.chat({ session_id: "nope", visitor_id: visitor.id, message: "hi" }),
        "NOT_FOUND",
        "SESSION_NOT_FOUND",
        /Session not found/,
      );
      const session = await api.sessions.create({ visitor_id: visitor.id });
      await expectTrpcError(
        api.messages.chat({ session_id: session.id, visitor_id: UNKNOWN_UUID, message: "hi" }),
        "NOT_FOUND",
        "VISITOR_NOT_FOUND",
        /Visitor not found/,
      );
    });

    it("keeps the user's message and marks the reply failed when the responder fails", async () => {
      const visitor = await api.visitors.create({});
      const session = await api.sessions.create({ visitor_id: visitor.id });
      responder.script(["partial ", "answer"], 1);
      await expectTrpcError(
        api.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "will fail" }),
        "BAD_GATEWAY",
        "REPLY_FAILED",
        /Your message was saved/,
      );
      const stored = await api.messages.list({
        id: session.id,
        visitor_id: visitor.id,
        limit: 20,
        order: "asc",
      });
      expect(stored.items.map(({ role, content, status }) => ({ role, content, status }))).toEqual([
        { role: "user", content: "will fail", status: "complete" },
        { role: "assistant", content: "partial ", status: "failed" },
      ]);
      // A failed reply is not history for the next one.
      responder.script(["ok"]);
      await api.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "again" });
      expect(responder.calls.at(-1)?.history).toEqual([{ role: "user", content: "will fail" }]);
    });

    it("pages through a long conversation in both directions without gaps or repeats", async () => {
      const visitor = await api.visitors.create({});
      const session = await api.sessions.create({ visitor_id: visitor.id });
      responder.script(["r"]);
      for (let index = 0; index < 7; index += 1) {
        await api.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: `m${index}` });
      }
      const collect = async (order: "asc" | "desc") => {
        const contents: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await api.messages.list({
            id: session.id,
            visitor_id: visitor.id,
            limit: 3,
            order,
            cursor,
          });
          contents.push(...page.items.map((message) => message.content));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        return contents;
      };
      const ascending = await collect("asc");
      expect(ascending).toEqual(Array.from({ length: 7 }, (_, index) => [`m${index}`, "r"]).flat());
      expect(await collect("desc")).toEqual([...ascending].reverse());
    });
  });
});
