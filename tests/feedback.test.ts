import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import type { ChatDeps } from "~/server/chat/deps";
import { KnowledgeBase, KnowledgeBaseResponder, loadKnowledge } from "~/server/chat/responder/knowledge-base";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";
import { ScriptedResponder } from "../testing/responders";
import { testDeps } from "./helpers/deps";

const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";

describeEachDatabase("reply feedback and conversation ratings", (database) => {
  let responder: ScriptedResponder;
  let deps: ChatDeps;
  let api: ReturnType<typeof createCaller>;

  beforeAll(() => {
    responder = new ScriptedResponder(["An ", "answer."]);
    deps = testDeps(database(), { responder });
    api = createCaller({ getDeps: async () => deps, headers: new Headers(), ip: "203.0.113.9" });
  });

  async function conversation() {
    const visitor = await api.visitors.create({});
    const session = await api.sessions.create({ visitor_id: visitor.id });
    const chat = await api.messages.chat({
      visitor_id: visitor.id,
      session_id: session.id,
      message: "How do I embed the widget?",
    });
    return { visitor, session, question: chat.user_message, reply: chat.assistant_message! };
  }

  describe("thumbs up/down on a reply", () => {
    it("stores one rating per reply, replaced by the next and withdrawn with null, and lists it", async () => {
      const { visitor, session, reply } = await conversation();
      expect(reply.feedback).toBeNull();

      const up = await api.messages.feedback({ id: reply.id, visitor_id: visitor.id, rating: "up" });
      expect(up).toMatchObject({ message_id: reply.id, rating: "up", comment: null });
      const down = await api.messages.feedback({
        id: reply.id,
        visitor_id: visitor.id,
        rating: "down",
        comment: "  Did not answer my question.  ",
      });
      expect(down).toMatchObject({ rating: "down", comment: "Did not answer my question." });
      const rows = await database().db.messageFeedback.findMany({ where: { message_id: reply.id } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        rating: "down",
        comment: "Did not answer my question.",
        session_id: session.id,
        visitor_id: visitor.id,
      });

      const listed = await api.messages.list({ id: session.id, visitor_id: visitor.id });
      expect(listed.items.map((message) => [message.role, message.feedback])).toEqual([
        ["user", null],
        ["assistant", "down"],
      ]);

      const withdrawn = await api.messages.feedback({ id: reply.id, visitor_id: visitor.id, rating: null });
      expect(withdrawn).toEqual({ message_id: reply.id, rating: null, comment: null, updated_at: null });
      expect(await database().db.messageFeedback.count({ where: { message_id: reply.id } })).toBe(0);
      const after = await api.messages.list({ id: session.id, visitor_id: visitor.id });
      expect(after.items[1]?.feedback).toBeNull();
    });

    it("lets a visitor rate only replies in its own sessions", async () => {
      const { reply, question } = await conversation();
      const stranger = await api.visitors.create({});
      await expectTrpcError(
        api.messages.feedback({ id: reply.id, visitor_id: stranger.id, rating: "down" }),
        "FORBIDDEN",
        "SESSION_OF_ANOTHER_VISITOR",
      );
      await expectTrpcError(
        api.messages.feedback({ id: reply.id, visitor_id: UNKNOWN_UUID, rating: "down" }),
        "NOT_FOUND",
        "VISITOR_NOT_FOUND",
      );
      for (const id of [UNKNOWN_UUID, "not-a-uuid"]) {
        await expectTrpcError(
          api.messages.feedback({ id, visitor_id: stranger.id, rating: "up" }),
          "NOT_FOUND",
          "MESSAGE_NOT_FOUND",
        );
      }
      const owner = (await database().db.session.findFirstOrThrow({ where: { id: reply.session_id } }))
        .visitor_id;
      await expectTrpcError(
        api.messages.feedback({ id: question.id, visitor_id: owner, rating: "up" }),
        "BAD_REQUEST",
        "NOT_AN_ASSISTANT_MESSAGE",
        /Only the assistant's replies can be rated/,
      );
      expect(await database().db.messageFeedback.count({ where: { message_id: reply.id } })).toBe(0);
    });

    it("refuses a reply still being written, and invalid ratings and comments with field detail", async () => {
      const { visitor, session, reply } = await conversation();
      const streaming = await database().db.message.create({
        data: { session_id: session.id, role: "assistant", content: "", status: "streaming" },
      });
      await expectTrpcError(
        api.messages.feedback({ id: streaming.id, visitor_id: visitor.id, rating: "up" }),
        "CONFLICT",
        "REPLY_NOT_FINISHED",
      );
      const invalid: [unknown, RegExp][] = [
        [{ rating: "meh" }, /rating must be .{1,3}up.{1,3}, .{1,3}down.{1,3} or null/],
        [{}, /rating/],
        [{ rating: "up", comment: "x".repeat(1001) }, /comment must be at most 1000 characters/],
        [{ rating: "up", comment: "a\u0000b" }, /comment must not contain control characters/],
        [{ rating: "up", extra: 1 }, /extra/],
      ];
      for (const [body, message] of invalid) {
        await expectTrpcError(
          api.messages.feedback({ id: reply.id, visitor_id: visitor.id, ...(body as object) } as never),
          "BAD_REQUEST",
          "VALIDATION_FAILED",
          message,
        );
      }
      expect(await database().db.messageFeedback.count({ where: { message_id: reply.id } })).toBe(0);
    });

    it("forgets the rating when a failed reply is retried (it rated the text being replaced)", async () => {
      responder.script(["Half an ans"], 1);
      const visitor = await api.visitors.create({});
      const session = await api.sessions.create({ visitor_id: visitor.id });
      await expectTrpcError(
        api.messages.chat({ visitor_id: visitor.id, session_id: session.id, message: "Why?" }),
        "BAD_GATEWAY",
        "REPLY_FAILED",
      );
      const failed = await database().db.message.findFirstOrThrow({
        where: { session_id: session.id, role: "assistant" },
      });
      await api.messages.feedback({ id: failed.id, visitor_id: visitor.id, rating: "down" });
      responder.script(["A whole answer."]);
      const retried = await api.messages.retry({ id: failed.id, visitor_id: visitor.id });
      expect(retried.assistant_message!.feedback).toBeNull();
      expect(await database().db.messageFeedback.count({ where: { message_id: failed.id } })).toBe(0);
    });

    it("removes the feedback with its session", async () => {
      const { visitor, session, reply } = await conversation();
      await api.messages.feedback({ id: reply.id, visitor_id: visitor.id, rating: "up" });
      await api.sessions.rating({ id: session.id, visitor_id: visitor.id, rating: 4 });
      await api.sessions.delete({ id: session.id, visitor_id: visitor.id });
      expect(await database().db.messageFeedback.count({ where: { session_id: session.id } })).toBe(0);
      expect(await database().db.sessionRating.count({ where: { session_id: session.id } })).toBe(0);
    });
  });

  describe("conversation rating", () => {
    it("stores one 1–5 rating per session, replaced by the next", async () => {
      const { visitor, session } = await conversation();
      const first = await api.sessions.rating({ id: session.id, visitor_id: visitor.id, rating: 2 });
      expect(first).toMatchObject({ session_id: session.id, rating: 2, comment: null });
      const second = await api.sessions.rating({
        id: session.id,
        visitor_id: visitor.id,
        rating: 5,
        comment: "Quick and clear",
      });
      expect(second).toMatchObject({ rating: 5, comment: "Quick and clear" });
      const rows = await database().db.sessionRating.findMany({ where: { session_id: session.id } });
      expect(rows.map((row) => [row.rating, row.comment, row.visitor_id])).toEqual([
        [5, "Quick and clear", visitor.id],
      ]);
    });

    it("refuses another visitor's session, unknown sessions and ratings outside 1–5", async () => {
      const { visitor, session } = await conversation();
      const stranger = await api.visitors.create({});
      await expectTrpcError(
        api.sessions.rating({ id: session.id, visitor_id: stranger.id, rating: 5 }),
        "FORBIDDEN",
        "SESSION_OF_ANOTHER_VISITOR",
      );
      await expectTrpcError(
        api.sessions.rating({ id: UNKNOWN_UUID, visitor_id: visitor.id, rating: 5 }),
        "NOT_FOUND",
        "SESSION_NOT_FOUND",
      );
      for (const [rating, message] of [
        [0, /rating must be at least 1/],
        [6, /rating must be at most 5/],
        [2.5, /rating must be a whole number from 1 to 5/],
        ["5", /rating must be a whole number from 1 to 5/],
      ] as const) {
        await expectTrpcError(
          api.sessions.rating({ id: session.id, visitor_id: visitor.id, rating: rating as number }),
          "BAD_REQUEST",
          "VALIDATION_FAILED",
          message,
        );
      }
      expect(await database().db.sessionRating.count({ where: { session_id: session.id } })).toBe(0);
    });
  });

  describe("whether a reply answered", () => {
    it("stores answered, no_answer or small_talk from the knowledge-base responder", async () => {
      const knowledge = new KnowledgeBase(loadKnowledge(path.resolve("content/knowledge")));
      const kbDeps: ChatDeps = {
        ...deps,
        responder: new KnowledgeBaseResponder(knowledge, { chunkDelayMs: 0 }),
      };
      const kb = createCaller({ getDeps: async () => kbDeps, headers: new Headers(), ip: "203.0.113.10" });
      const visitor = await kb.visitors.create({});
      const session = await kb.sessions.create({ visitor_id: visitor.id });
      const kinds: Record<string, string | null> = {};
      for (const message of ["can other people read my chats", "What is the capital of France?", "hello"]) {
        const chat = await kb.messages.chat({ visitor_id: visitor.id, session_id: session.id, message });
        const row = await database().db.message.findUniqueOrThrow({
          where: { id: chat.assistant_message!.id },
        });
        const question = await database().db.message.findUniqueOrThrow({
          where: { id: chat.user_message.id },
        });
        expect(question.answer_kind).toBeNull();
        kinds[message] = row.answer_kind;
      }
      expect(kinds).toEqual({
        "can other people read my chats": "answered",
        "What is the capital of France?": "no_answer",
        hello: "small_talk",
      });
    });

    it("stores null for a responder that does not say", async () => {
      responder.script(["Fine."]);
      const { reply } = await conversation();
      const row = await database().db.message.findUniqueOrThrow({ where: { id: reply.id } });
      expect(row.answer_kind).toBeNull();
    });
  });
});
