/**
 * The chat's hot path in raw SQL (src/server/chat/hot-sql.ts): what it stores reads back through the models exactly
 * as what the models stored (same DTOs, same stored text of times and JSON on SQLite, which compares them as text),
 * its history query agrees with the models' keyset query, and its errors mean what the models' meant.
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { completeTurns } from "~/server/chat/hot-sql";
import { chat, listMessages } from "~/server/chat/messages/messages.service";
import type { MessageSource } from "~/server/chat/messages/message.schema";
import type { Responder } from "~/server/chat/responder/responder";
import { keysetWhere } from "~/server/chat/pagination";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor, toVisitorDto, visitorSeenRecently } from "~/server/chat/visitors/visitors.service";
import type { Prisma } from "~/generated/prisma-postgresql/client";
import type { Db } from "~/server/db/client";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

const SOURCES: MessageSource[] = [{ title: "Billing › Refunds", url: "/help/billing#refunds", score: 0.91 }];

/** Answers "Sure, " "done." with sources, token usage and an answer kind. */
const grounded: Responder = {
  name: "grounded",
  reply: () => ({
    deltas: (async function* () {
      yield "Sure, ";
      yield "done.";
    })(),
    sources: () => SOURCES,
    usage: () => ({ prompt: 120, completion: 7 }),
    answerKind: () => "answered",
  }),
};

/** Prisma's text form of a DateTime on SQLite (what the models write and compare against). */
const SQLITE_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

describeEachDatabase("chat hot path in raw SQL", (database, dialect) => {
  const deps = (): ChatDeps => testDeps(database(), { responder: grounded });

  it("stores messages, bumps and the reply as the models read them back", async () => {
    const visitor = await createVisitor(deps(), {
      metadata: { locale: "fr-FR", tags: ["a", 1], note: "é ✓" },
    });
    const session = await createSession(deps(), { visitor_id: visitor.id });
    const input = { session_id: session.id, visitor_id: visitor.id };
    const first = await chat(deps(), { ...input, message: "  How do   refunds work?  " });
    const second = await chat(deps(), { ...input, message: "And again?" });

    // The DTOs the chat returned are those the models read back.
    const listed = await listMessages(deps(), {
      id: session.id,
      visitor_id: visitor.id,
      order: "asc",
      limit: 10,
    });
    expect(listed.items).toEqual([
      first.user_message,
      first.assistant_message,
      second.user_message,
      second.assistant_message,
    ]);
    expect(second.assistant_message).toMatchObject({
      role: "assistant",
      content: "Sure, done.",
      status: "complete",
      sources: SOURCES,
      author_name: null,
      feedback: null,
    });
    const rows = await database().db.message.findMany({
      where: { session_id: session.id },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    expect(rows.map((row) => [row.role, row.status, row.prompt_tokens, row.completion_tokens])).toEqual([
      ["user", "complete", null, null],
      ["assistant", "complete", 120, 7],
      ["user", "complete", null, null],
      ["assistant", "complete", 120, 7],
    ]);
    expect(rows.map((row) => row.answer_kind)).toEqual([null, "answered", null, "answered"]);
    expect(rows.map((row) => row.sources)).toEqual([[], SOURCES, [], SOURCES]);
    expect(rows[3]!.saved_at.getTime()).toBeGreaterThan(rows[3]!.created_at.getTime());

    const stored = await database().db.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(stored.title).toBe("How do refunds work?");
    expect(stored.updated_at.toISOString()).toBe(second.assistant_message?.created_at);
    const seen = await database().db.visitor.findUniqueOrThrow({ where: { id: visitor.id } });
    expect(toVisitorDto(seen)).toEqual({ ...visitor, last_seen_at: first.user_message.created_at });

    // The history of the next chat is read back in order.
    const turns = await completeTurns(database().db, {
      sessionId: session.id,
      ownerId: visitor.id,
      limit: 50,
    });
    // With the owner's join each row carries the session's locale (null: none given).
    expect(turns.reverse()).toEqual([
      { role: "user", content: "  How do   refunds work?  ", locale: null },
      { role: "assistant", content: "Sure, done.", locale: null },
      { role: "user", content: "And again?", locale: null },
      { role: "assistant", content: "Sure, done.", locale: null },
    ]);

    if (dialect === "sqlite") {
      // Stored as the models store them: times as Prisma's text, JSON as text.
      const modelVisitor = await database().db.visitor.create({ data: { metadata: { locale: "fr-FR" } } });
      const texts = await database().db.$queryRawUnsafe<Record<string, string>[]>(
        `SELECT typeof(created_at) AS t1, CAST(created_at AS TEXT) AS created_at, CAST(saved_at AS TEXT) AS saved_at, typeof(sources) AS t2, CAST(sources AS TEXT) AS sources FROM messages WHERE session_id = ? ORDER BY created_at, id`,
        session.id,
      );
      for (const text of texts) {
        expect(text).toMatchObject({ t1: "text", t2: "text" });
        expect(text.created_at).toMatch(SQLITE_DATETIME);
        expect(text.saved_at).toMatch(SQLITE_DATETIME);
      }
      expect(texts.map((text) => text.sources)).toEqual([
        "[]",
        JSON.stringify(SOURCES),
        "[]",
        JSON.stringify(SOURCES),
      ]);
      const visitors = await database().db.$queryRawUnsafe<Record<string, string>[]>(
        `SELECT id, typeof(metadata) AS t, CAST(created_at AS TEXT) AS created_at, CAST(last_seen_at AS TEXT) AS last_seen_at, CAST(metadata AS TEXT) AS metadata FROM visitors WHERE id IN (?, ?)`,
        visitor.id,
        modelVisitor.id,
      );
      for (const row of visitors) {
        expect(row.t).toBe("text");
        expect(row.created_at).toMatch(SQLITE_DATETIME);
        expect(row.last_seen_at).toMatch(SQLITE_DATETIME);
      }
      expect(visitors.find((row) => row.id === visitor.id)?.metadata).toBe(
        JSON.stringify({ locale: "fr-FR", tags: ["a", 1], note: "é ✓" }),
      );
    }
  });

  it("creates a visitor whose DTO is the stored row's", async () => {
    const visitor = await createVisitor(deps(), {
      metadata: { referrer: "https://example.com/?q=1", n: 2.5 },
    });
    const row = await database().db.visitor.findUniqueOrThrow({ where: { id: visitor.id } });
    expect(toVisitorDto(row)).toEqual(visitor);
    const bare = await createVisitor(deps(), {});
    expect(toVisitorDto(await database().db.visitor.findUniqueOrThrow({ where: { id: bare.id } }))).toEqual({
      ...bare,
      metadata: {},
    });
  });

  it("reads the history before a keyset as the models' keyset query does (ties on created_at by id)", async () => {
    const db = database().db;
    const visitor = await createVisitor(deps(), {});
    const session = await createSession(deps(), { visitor_id: visitor.id });
    const at = new Date("2026-01-02T03:04:05.006Z");
    const later = new Date(at.getTime() + 1);
    const ids = Array.from({ length: 6 }, () => randomUUID()).sort();
    await db.message.createMany({
      data: ids.map((id, index) => ({
        id,
        session_id: session.id,
        role: index % 2 === 0 ? ("user" as const) : ("assistant" as const),
        content: `m${index}`,
        status: index === 4 ? ("failed" as const) : ("complete" as const),
        created_at: index < 5 ? at : later,
        saved_at: at,
      })),
    });
    for (const before of [undefined, { at, id: ids[3]! }, { at: later, id: ids[5]! }, { at, id: ids[0]! }]) {
      const models = await db.message.findMany({
        where: {
          session_id: session.id,
          status: "complete",
          ...keysetWhere<Prisma.MessageWhereInput>("created_at", before, "desc"),
        },
        orderBy: [{ created_at: "desc" }, { id: "desc" }],
        take: 3,
        select: { role: true, content: true },
      });
      expect(await completeTurns(db, { sessionId: session.id, before, limit: 3 })).toEqual(models);
    }
    // With an owner: none for another visitor, none once the session is not in bot mode.
    expect(await completeTurns(db, { sessionId: session.id, ownerId: randomUUID(), limit: 3 })).toEqual([]);
    await db.session.update({ where: { id: session.id }, data: { mode: "waiting" } });
    expect(await completeTurns(db, { sessionId: session.id, ownerId: visitor.id, limit: 3 })).toEqual([]);
  });

  it("answers SESSION_NOT_FOUND when the session is deleted between the ownership check and the insert", async () => {
    const db = database().db;
    const visitor = await createVisitor(deps(), {});
    const session = await createSession(deps(), { visitor_id: visitor.id });
    const input = { session_id: session.id, visitor_id: visitor.id };
    await chat(deps(), { ...input, message: "first" });
    // The session goes just before the chat's transaction (after the ownership and history query).
    const racing = new Proxy(db, {
      get: (target, property) =>
        property === "$transaction"
          ? async (...args: unknown[]) => {
              await target.session.deleteMany({ where: { id: session.id } });
              return (target.$transaction as (...a: unknown[]) => unknown).apply(target, args);
            }
          : Reflect.get(target, property),
    }) as Db;
    await expect(chat({ ...deps(), db: racing }, { ...input, message: "second" })).rejects.toMatchObject({
      code: "SESSION_NOT_FOUND",
    });
    expect(await db.message.count({ where: { session_id: session.id } })).toBe(0);
    // The visitor's bump did not happen, so the next chat makes it.
    expect(visitorSeenRecently(visitor.id, new Date())).toBe(false);
  });
});
