/**
 * A visitor following live (an open event stream) is recorded on the session (`visitor_live_until`, read by email
 * continuity). One timer per process renews every followed session in one statement per 500 sessions — it used to
 * be a timer and an UPDATE per stream (≈ 670 UPDATEs a second with 10,000 streams open) — and a session stays
 * "live" until its last stream here ends, even if a second tab's stream closes first.
 */
import { beforeAll, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { followSessionEvents } from "~/server/chat/messages/messages.service";
import { renewLive, VISITOR_LIVE_LEASE_MS } from "~/server/chat/messages/live-followers";
import { ScriptedResponder } from "../testing/responders";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

describeEachDatabase("visitors following live", (database) => {
  let deps: ChatDeps;
  beforeAll(() => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
  });

  async function conversation() {
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id } });
    return { id: session.id, visitor_id: visitor.id };
  }
  const liveUntil = async (id: string) =>
    (await deps.db.session.findUniqueOrThrow({ where: { id } })).visitor_live_until?.getTime() ?? 0;
  const expire = (ids: string[]) =>
    deps.db.session.updateMany({ where: { id: { in: ids } }, data: { visitor_live_until: new Date(0) } });

  it("one renewal covers every followed session; a session's last stream ending stops it, not the first", async () => {
    const [a, b, c] = [await conversation(), await conversation(), await conversation()];
    const streams = new AbortController();
    const opened = [
      await followSessionEvents(deps, a, streams.signal),
      await followSessionEvents(deps, b, streams.signal),
      await followSessionEvents(deps, c, streams.signal),
    ];
    // A second tab on session a.
    const secondTab = new AbortController();
    const second = await followSessionEvents(deps, a, secondTab.signal);
    for (const id of [a.id, b.id, c.id]) expect(await liveUntil(id)).toBeGreaterThan(Date.now());

    await expire([a.id, b.id, c.id]);
    const before = Date.now();
    expect(await renewLive(deps)).toBeGreaterThanOrEqual(3);
    for (const id of [a.id, b.id, c.id])
      expect(await liveUntil(id)).toBeGreaterThanOrEqual(before + VISITOR_LIVE_LEASE_MS - 1_000);

    // The second tab closes (dropped before it was read): a is still followed by the first tab.
    secondTab.abort();
    await second.return(undefined);
    await expire([a.id]);
    await renewLive(deps);
    expect(await liveUntil(a.id)).toBeGreaterThan(Date.now());

    // Everything closes: followed until now, and no longer renewed.
    streams.abort();
    for (const stream of opened) await stream.return(undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ended = Date.now();
    for (const id of [a.id, b.id, c.id]) expect(await liveUntil(id)).toBeLessThanOrEqual(ended);
    await renewLive(deps);
    for (const id of [a.id, b.id, c.id]) expect(await liveUntil(id)).toBeLessThanOrEqual(ended);
  });
});
