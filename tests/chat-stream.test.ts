import { describe, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import type { ChatStreamEvent } from "~/server/chat/messages/message.schema";
import { chatStreamEvents, listMessages, startChat } from "~/server/chat/messages/messages.service";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { describeEachDatabase } from "./helpers/databases";
import { deferred, ScriptedResponder } from "../testing/responders";
import { testDeps } from "./helpers/deps";

describeEachDatabase("streamed chat", (database) => {
  async function newChat(responder: ScriptedResponder) {
    const deps: ChatDeps = testDeps(database(), { responder });
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id });
    return { deps, input: { session_id: session.id, visitor_id: visitor.id } };
  }

  async function storedMessages(sessionId: string) {
    const rows = await database().db.message.findMany({
      where: { session_id: sessionId },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    return rows.map(({ role, content, status }) => ({ role, content, status }));
  }

  it("emits start, every delta in order, then done, and stores what was streamed", async () => {
    const chunks = ["The ", "answer ", "is ", "**42**", "."];
    const { deps, input } = await newChat(new ScriptedResponder(chunks));
    const started = await startChat(deps, { ...input, message: "question" });

    // Before the reply ends, the assistant message is stored as streaming.
    const during = await storedMessages(input.session_id);
    expect(during).toContainEqual({ role: "assistant", content: "", status: "streaming" });

    const events: ChatStreamEvent[] = [];
    for await (const event of chatStreamEvents(started)) events.push(event);

    expect(events[0]).toMatchObject({ type: "start", user_message: { content: "question" } });
    expect(events.slice(1, -1)).toEqual(chunks.map((text) => ({ type: "delta", text })));
    const done = events.at(-1);
    expect(done).toMatchObject({
      type: "done",
      assistant_message: { content: chunks.join(""), status: "complete" },
    });
    expect(await storedMessages(input.session_id)).toEqual([
      { role: "user", content: "question", status: "complete" },
      { role: "assistant", content: chunks.join(""), status: "complete" },
    ]);
  });

  it("delivers each delta before the responder produces the next one", async () => {
    const gate = deferred();
    const responder = new ScriptedResponder([]);
    let released = false;
    // Yields one chunk, then waits: the first delta must reach the listener while the responder is paused.
    responder.reply = () => ({
      deltas: (async function* () {
        yield "first";
        await gate.promise;
        released = true;
        yield "second";
      })(),
      sources: () => [],
    });
    const { deps, input } = await newChat(responder);
    const iterator = chatStreamEvents(await startChat(deps, { ...input, message: "q" }))[
      Symbol.asyncIterator
    ]();
    expect((await iterator.next()).value).toMatchObject({ type: "start" });
    expect((await iterator.next()).value).toEqual({ type: "delta", text: "first" });
    expect(released).toBe(false);
    gate.resolve();
    expect((await iterator.next()).value).toEqual({ type: "delta", text: "second" });
    expect((await iterator.next()).value).toMatchObject({ type: "done" });
  });

  it("finishes and stores the reply when the listener goes away mid-stream", async () => {
    const responder = new ScriptedResponder(["a", "b", "c", "d"]);
    responder.sources = [{ title: "Article › Section", url: "/help/article#section", score: 0.8 }];
    const { deps, input } = await newChat(responder);
    const started = await startChat(deps, { ...input, message: "leaving" });
    for await (const event of chatStreamEvents(started)) {
      if (event.type === "delta") break; // the client disconnects after the first delta
    }
    const outcome = await started.run.outcome;
    expect(outcome).toEqual({ ok: true, content: "abcd", sources: responder.sources, status: "complete" });
    expect(await storedMessages(input.session_id)).toEqual([
      { role: "user", content: "leaving", status: "complete" },
      { role: "assistant", content: "abcd", status: "complete" },
    ]);
    // The sources are stored with the reply and listed with it; the user's message has none.
    const listed = await listMessages(deps, {
      id: input.session_id,
      visitor_id: input.visitor_id,
      limit: 10,
      order: "asc",
    });
    expect(listed.items.map((message) => message.sources)).toEqual([[], responder.sources]);
  });

  it("reports a responder failure as an error event, keeping the question and the partial reply", async () => {
    const { deps, input } = await newChat(new ScriptedResponder(["so ", "far", "never"], 2));
    const events: ChatStreamEvent[] = [];
    for await (const event of chatStreamEvents(await startChat(deps, { ...input, message: "boom" })))
      events.push(event);
    expect(events.map((event) => event.type)).toEqual(["start", "delta", "delta", "error"]);
    expect(events.at(-1)).toMatchObject({
      type: "error",
      code: "REPLY_FAILED",
      message: expect.stringMatching(/Your message was saved/),
      assistant_message: { content: "so far", status: "failed" },
    });
    expect(await storedMessages(input.session_id)).toEqual([
      { role: "user", content: "boom", status: "complete" },
      { role: "assistant", content: "so far", status: "failed" },
    ]);
  });

  describe("concurrency", () => {
    it("stores every message of many simultaneous chats (no SQLITE_BUSY, nothing lost or duplicated)", async () => {
      const responder = new ScriptedResponder(["x", "y"]);
      const deps: ChatDeps = testDeps(database(), { responder });
      const visitors = await Promise.all(Array.from({ length: 10 }, () => createVisitor(deps, {})));
      const sessions = await Promise.all(
        visitors.map((visitor) => createSession(deps, { visitor_id: visitor.id })),
      );
      const sends = sessions.flatMap((session) =>
        Array.from({ length: 5 }, async (_, index) => {
          const started = await startChat(deps, {
            session_id: session.id,
            visitor_id: session.visitor_id,
            message: `msg ${index}`,
          });
          return started.run.outcome;
        }),
      );
      const outcomes = await Promise.all(sends);
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      const sessionIds = sessions.map((session) => session.id);
      const rows = await database().db.message.findMany({ where: { session_id: { in: sessionIds } } });
      expect(rows).toHaveLength(10 * 5 * 2);
      expect(rows.filter((row) => row.status !== "complete")).toEqual([]);
      for (const session of sessions) {
        const contents = rows
          .filter((row) => row.session_id === session.id && row.role === "user")
          .map((row) => row.content)
          .sort();
        expect(contents).toEqual(["msg 0", "msg 1", "msg 2", "msg 3", "msg 4"]);
      }
    });
  });
});
