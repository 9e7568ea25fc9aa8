/**
 * A live stream misses nothing published between "the stream is open" and its first read (the inbox's and the
 * visitor's). The inbox's live stream misses nothing published between "the stream is open" and its first read. The inbox
 * page reloads its lists when tRPC says the stream is open (onStarted) and relies on the stream from then on; the
 * subscription used to be taken only on the first read, after that message, so a conversation that changed in
 * between was in neither (found by the Playwright team flow: a passed conversation never showed up live).
 */
import { beforeAll, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { createCaller } from "~/server/api/root";
import { followAllSessions } from "~/server/chat/events/follow-all";
import { followSession } from "~/server/chat/events/follow-session";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

describeEachDatabase("live streams subscribe when they open, not on their first read", (database) => {
  let deps: ChatDeps;
  beforeAll(() => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
  });

  async function waitingSession() {
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    return deps.db.session.create({ data: { visitor_id: visitor.id, mode: "waiting" } });
  }

  it("admin.inbox.events: a claim made after the call and before the first read is delivered", async () => {
    const admin = adminCaller(deps, bearer(TEST_ADMIN_API_KEY), "192.0.2.71").admin;
    const session = await waitingSession();
    const stream = await adminCaller(deps, bearer(TEST_ADMIN_API_KEY), "192.0.2.72").admin.inbox.events();
    // The stream is open (tRPC has answered "connected"); the page reloads its lists; then this happens.
    await admin.sessions.claim({ id: session.id });
    const iterator = stream[Symbol.asyncIterator]();
    // Bounded: before the fix the event was lost and the read waited for the next one, forever.
    const first = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error("the claim made before the first read was never delivered")),
          5_000,
        ),
      ),
    ]);
    await iterator.return?.(undefined);
    expect(JSON.stringify(first.value)).toContain(session.id);
    expect(JSON.stringify(first.value)).toContain("session.updated");
  });

  it("followAllSessions: an aborted stream that was never read lets go of the bus", async () => {
    const stop = new AbortController();
    const events = followAllSessions(deps.events, stop.signal);
    stop.abort();
    const session = await waitingSession();
    await adminCaller(deps, bearer(TEST_ADMIN_API_KEY), "192.0.2.73").admin.sessions.claim({
      id: session.id,
    });
    // Ended: nothing kept for a reader that will never come, and a late read ends at once.
    await expect(events.next()).resolves.toEqual({ done: true, value: undefined });
  });

  /** The first frame of `stream`, or a failure naming what was lost after `ms` (the stream then left as it is). */
  async function firstOf<T>(stream: AsyncIterable<T>, lost: string, ms = 5_000) {
    const iterator = stream[Symbol.asyncIterator]();
    const first = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(lost)), ms)),
    ]);
    await iterator.return?.(undefined);
    return first;
  }

  it("sessions.events (the widget's stream): a rename made after the call and before the first read is delivered", async () => {
    // Found in CI: the widget's tRPC stream answered "open", the visitor renamed the conversation, and the rename
    // never came (the subscription and the kept read happened only on the first read, after the rename).
    const visitor = createCaller({ getDeps: async () => deps, headers: new Headers(), ip: "192.0.2.74" });
    const { id: visitorId } = await visitor.visitors.create({});
    const session = await visitor.sessions.create({ visitor_id: visitorId });
    const stream = await createCaller({
      getDeps: async () => deps,
      headers: new Headers(),
      ip: "192.0.2.75",
    }).sessions.events({ id: session.id, visitor_id: visitorId });
    await visitor.sessions.rename({ id: session.id, visitor_id: visitorId, title: "Renamed while opening" });
    const first = await firstOf(stream, "the rename made before the first read was never delivered");
    expect(JSON.stringify(first.value)).toContain("Renamed while opening");
  });

  it("followSession: an aborted stream that was never read lets go of the bus and ends", async () => {
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id } });
    const stop = new AbortController();
    const events = followSession({
      bus: deps.events,
      sessionId: session.id,
      snapshot: async () => [],
      signal: stop.signal,
    });
    stop.abort();
    await createCaller({
      getDeps: async () => deps,
      headers: new Headers(),
      ip: "192.0.2.76",
    }).sessions.rename({
      id: session.id,
      visitor_id: visitor.id,
      title: "After the end",
    });
    await expect(events.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
