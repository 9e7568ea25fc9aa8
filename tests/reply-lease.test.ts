import { expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import type { ChatStreamEvent } from "~/server/chat/messages/message.schema";
import { chat, chatStreamEvents, startChat, startRetry } from "~/server/chat/messages/messages.service";
import { failStaleReplies } from "~/server/chat/messages/reply-lease";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import type { Db } from "~/server/db/client";
import { leaseHolder } from "~/server/jobs/lease";
import { REPLY_SWEEPER_JOB, startReplySweeper } from "~/server/jobs/reply-sweeper";
import { toRestError } from "~/server/rest/errors";
import { describeEachDatabase } from "./helpers/databases";
import { deferred, ScriptedResponder } from "../testing/responders";
import { testConfig, testDeps } from "./helpers/deps";

/** The database as seen through a connection that can be cut: message writes fail while `down`. */
function cuttable(db: Db) {
  const state = { down: false };
  const unreachable = () =>
    Promise.reject(Object.assign(new Error("Can't reach database server at 127.0.0.1"), { code: "P1001" }));
  const message = new Proxy(db.message, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        state.down ? unreachable() : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  // Transactions too (a completed reply's final save runs in one, with its webhook event), and raw statements
  // (the reply's saves are raw SQL: src/server/chat/hot-sql.ts).
  const cut = (name: "$transaction" | "$executeRaw" | "$queryRaw") => {
    const value = db[name] as (...a: unknown[]) => unknown;
    return (...args: unknown[]) => (state.down ? unreachable() : value.apply(db, args));
  };
  const replaced: Record<string | symbol, unknown> = {
    message,
    $transaction: cut("$transaction"),
    $executeRaw: cut("$executeRaw"),
    $queryRaw: cut("$queryRaw"),
  };
  const proxied = new Proxy(db, {
    get: (target, property) =>
      Object.hasOwn(replaced, property) ? replaced[property] : Reflect.get(target, property),
  });
  return { db: proxied, state };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDatabase("reply lease", (database) => {
  async function newChat(responder: ScriptedResponder, overrides: Partial<ChatDeps> = {}) {
    const deps = testDeps(database(), {
      responder,
      config: testConfig({ replyTimings: { leaseMs: 1_000, heartbeatMs: 50, finalSaveWindowMs: 1_000 } }),
      ...overrides,
    });
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id });
    return { deps, input: { session_id: session.id, visitor_id: visitor.id } };
  }
  const row = (id: string) => database().db.message.findUniqueOrThrow({ where: { id } });

  it("stamps saved_at at creation and keeps refreshing it while the responder is silent", async () => {
    const gate = deferred();
    const responder = new ScriptedResponder(["late ", "answer"]);
    responder.holdUntil(gate.promise);
    const { deps, input } = await newChat(responder);
    const started = await startChat(deps, { ...input, message: "q" });
    const created = await row(started.assistantMessage.id);
    expect(created.saved_at.getTime()).toBe(created.created_at.getTime());
    await sleep(400);
    const later = await row(started.assistantMessage.id);
    expect(later.status).toBe("streaming");
    expect(later.saved_at.getTime()).toBeGreaterThan(created.saved_at.getTime() + 200);
    // A live run is never swept, even by a sweep that ignores this process's runs.
    expect(await failStaleReplies(database().db, new Date(), { leaseMs: 1_000 })).toBe(0);
    gate.resolve();
    expect(await started.run.outcome).toMatchObject({ ok: true, status: "complete" });
  });

  it("fails stale streaming replies (text kept), leaving fresh ones and this process's live runs", async () => {
    const gate = deferred();
    const responder = new ScriptedResponder(["x"]);
    responder.holdUntil(gate.promise);
    const { deps, input } = await newChat(responder);
    const live = await startChat(deps, { ...input, message: "live" });
    const db = database().db;
    const now = new Date();
    const stale = await db.message.create({
      data: {
        session_id: input.session_id,
        role: "assistant",
        content: "half a rep",
        status: "streaming",
        saved_at: new Date(now.getTime() - 60_000),
      },
    });
    const fresh = await db.message.create({
      data: {
        session_id: input.session_id,
        role: "assistant",
        content: "",
        status: "streaming",
        saved_at: now,
      },
    });
    // The live run's reply looks stale to a sweep one hour ahead, but it runs in this process.
    const later = new Date(now.getTime() + 3_600_000);
    expect(await failStaleReplies(db, now, { leaseMs: 30_000, liveIds: [live.assistantMessage.id] })).toBe(1);
    expect(await row(stale.id)).toMatchObject({ status: "failed", content: "half a rep" });
    expect((await row(fresh.id)).status).toBe("streaming");
    expect(
      await failStaleReplies(db, later, { leaseMs: 30_000, liveIds: [live.assistantMessage.id, fresh.id] }),
    );
    expect((await row(live.assistantMessage.id)).status).toBe("streaming");
    gate.resolve();
    await live.run.outcome;
  });

  it("lets a stale streaming reply be retried (fresh ones still 409), fencing off its old writer", async () => {
    const responder = new ScriptedResponder(["new ", "reply"]);
    const { deps, input } = await newChat(responder);
    const db = database().db;
    const first = await startChat(deps, { ...input, message: "question" });
    await first.run.outcome;
    const id = first.assistantMessage.id;
    // As if the server had died mid-reply: streaming, last saved long ago.
    const oldStamp = new Date(Date.now() - 60_000);
    await db.message.update({
      where: { id },
      data: { status: "streaming", content: "partial", saved_at: oldStamp },
    });
    const retried = await startRetry(deps, { id, visitor_id: input.visitor_id });
    // A second retry while the new run is alive is refused.
    await expect(startRetry(deps, { id, visitor_id: input.visitor_id })).rejects.toMatchObject({
      code: "REPLY_NOT_RETRYABLE",
    });
    expect(await retried.run.outcome).toMatchObject({ ok: true, content: "new reply", status: "complete" });
    // The old writer (still holding saved_at = oldStamp) can no longer write.
    const { count } = await db.message.updateMany({
      where: { id, status: { in: ["streaming", "stopped", "failed"] }, saved_at: { in: [oldStamp] } },
      data: { content: "ghost", status: "failed" },
    });
    expect(Number(count)).toBe(0);
    expect(await row(id)).toMatchObject({ status: "complete", content: "new reply" });

    // A streaming reply saved just now is not retryable.
    await db.message.update({ where: { id }, data: { status: "streaming", saved_at: new Date() } });
    await expect(startRetry(deps, { id, visitor_id: input.visitor_id })).rejects.toMatchObject({
      code: "REPLY_NOT_RETRYABLE",
    });
  });

  it("sends done only after the final save landed, retrying it while the database is briefly away", async () => {
    const gate = deferred();
    const responder = new ScriptedResponder(["all ", "of ", "it"]);
    responder.holdUntil(gate.promise);
    const cut = cuttable(database().db);
    const { deps, input } = await newChat(responder, { db: cut.db });
    const started = await startChat(deps, { ...input, message: "q" });
    cut.state.down = true;
    gate.resolve();
    setTimeout(() => (cut.state.down = false), 400);
    const events: ChatStreamEvent[] = [];
    for await (const event of chatStreamEvents(started)) events.push(event);
    expect(cut.state.down).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "done", assistant_message: { status: "complete" } });
    expect(await row(started.assistantMessage.id)).toMatchObject({
      status: "complete",
      content: "all of it",
    });
  });

  it("sends error (not done) when the database stays away past the final-save window; the sweep fails it", async () => {
    const gate = deferred();
    const responder = new ScriptedResponder(["lost ", "words"]);
    responder.holdUntil(gate.promise);
    const cut = cuttable(database().db);
    const { deps, input } = await newChat(responder, {
      db: cut.db,
      config: testConfig({ replyTimings: { leaseMs: 300, heartbeatMs: 50, finalSaveWindowMs: 300 } }),
    });
    const started = await startChat(deps, { ...input, message: "q" });
    cut.state.down = true;
    gate.resolve();
    const events: ChatStreamEvent[] = [];
    for await (const event of chatStreamEvents(started)) events.push(event);
    expect(events.at(-1)).toMatchObject({
      type: "error",
      code: "SERVICE_UNAVAILABLE",
      assistant_message: { content: "lost words", status: "failed" },
    });
    cut.state.down = false;
    expect((await row(started.assistantMessage.id)).status).toBe("streaming");
    await sleep(350);
    expect(await failStaleReplies(database().db, new Date(), { leaseMs: 300 })).toBeGreaterThanOrEqual(1);
    expect((await row(started.assistantMessage.id)).status).toBe("failed");
  });

  it("answers the non-streaming chat 503 when the reply cannot be stored", async () => {
    const gate = deferred();
    const responder = new ScriptedResponder(["unsaved"]);
    responder.holdUntil(gate.promise);
    const cut = cuttable(database().db);
    const { deps, input } = await newChat(responder, {
      db: cut.db,
      config: testConfig({ replyTimings: { leaseMs: 300, heartbeatMs: 1_000, finalSaveWindowMs: 300 } }),
    });
    const pending = chat(deps, { ...input, message: "q" });
    pending.catch(() => undefined);
    while (responder.calls.length === 0) await sleep(10);
    cut.state.down = true;
    gate.resolve();
    const error = await pending.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    cut.state.down = false;
    expect(toRestError(error)).toMatchObject({ status: 503, body: { code: "SERVICE_UNAVAILABLE" } });
  });

  it("sweeps on one instance at a time: the holder of the job lease", async () => {
    const { input } = await newChat(new ScriptedResponder([]));
    const db = database().db;
    const staleReply = () =>
      db.message.create({
        data: {
          session_id: input.session_id,
          role: "assistant",
          content: "cut short",
          status: "streaming",
          saved_at: new Date(Date.now() - 60_000),
        },
      });
    const first = await staleReply();
    const timings = { leaseMs: 1_000, heartbeatMs: 50, finalSaveWindowMs: 1_000 };
    const deps = testDeps(database(), { config: testConfig({ replyTimings: timings }) });
    const getDeps = () => Promise.resolve(deps);
    const a = startReplySweeper({ getDeps, holder: "instance-a", intervalMs: 3_600_000 });
    await a.tick();
    const b = startReplySweeper({ getDeps, holder: "instance-b", intervalMs: 3_600_000 });
    await b.tick();
    expect(await leaseHolder(db, REPLY_SWEEPER_JOB)).toBe("instance-a");
    expect(await row(first.id)).toMatchObject({ status: "failed", content: "cut short" });

    const second = await staleReply();
    expect(await b.tick()).toBe(0);
    expect((await row(second.id)).status).toBe("streaming");
    // (At least 1: under load, a reply another test of this file left streaming can be stale by now too.)
    expect(await a.tick()).toBeGreaterThanOrEqual(1);
    expect((await row(second.id)).status).toBe("failed");

    // a stops (shutdown): it gives the lease up, and b takes over at once.
    await a.stop();
    const third = await staleReply();
    expect(await b.tick()).toBeGreaterThanOrEqual(1);
    expect((await row(third.id)).status).toBe("failed");
    expect(await leaseHolder(db, REPLY_SWEEPER_JOB)).toBe("instance-b");
    await b.stop();
  });
});
