/**
 * Revocation is immediate across instances: two `next start` servers, A and B, on one PostgreSQL database and
 * Redis. A managed API key follows `GET /api/admin/events/` and the tRPC `admin.inbox.events` subscription on
 * B; revoking it on A (as an admin does on /admin/api-keys) ends both streams on B by the `principal.revoked`
 * signal, well before the streams' own re-check (ACCESS_RECHECK_MS) could have.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSse } from "../testing/sse";
import { TEST_ADMIN, ensureTestAdmin, sessionCookieOf } from "../testing/admin";
import { createTestDatabase, type TestDatabase } from "./helpers/databases";
import { startServer, type RunningServer } from "./helpers/server";
import { openDatabase, type Database } from "~/server/db/client";
import { ACCESS_RECHECK_MS } from "~/server/admin/auth/revocation";

const REDIS_URL = "redis://127.0.0.1:6379";

describe("revocation across two instances on PostgreSQL and Redis", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    testDatabase = await createTestDatabase("postgresql");
    const env = { REDIS_URL, KNOWLEDGE_STREAM_DELAY_MS: "2" };
    [a, b] = await Promise.all([
      startServer({ databaseUrl: testDatabase.url, env }),
      startServer({ databaseUrl: testDatabase.url, env }),
    ]);
    database = await openDatabase(testDatabase.url);
    await ensureTestAdmin(database);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.close();
    await testDatabase?.drop();
  });

  /** A tRPC mutation on A with the signed-in admin's cookie, from A's own pages. */
  async function adminMutation(cookie: string, path: string, input: unknown): Promise<unknown> {
    const response = await fetch(`${a.baseUrl}/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: a.baseUrl },
      body: JSON.stringify(input),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { result: { data: unknown } }).result.data;
  }

  it("revoking a key on A ends its admin event stream and inbox subscription on B at once", async () => {
    const signIn = await fetch(`${a.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: a.baseUrl },
      body: JSON.stringify(TEST_ADMIN),
    });
    expect(signIn.status).toBe(200);
    const cookie = sessionCookieOf(signIn);
    const created = (await adminMutation(cookie, "admin.apiKeys.create", { name: "streams" })) as {
      key: string;
      api_key: { id: string };
    };
    const authorization = `Bearer ${created.key}`;

    const rest = await openSse(`${b.baseUrl}/api/admin/events/`, { authorization });
    expect(rest.response.status).toBe(200);
    const trpc = await openSse(`${b.baseUrl}/api/trpc/admin.inbox.events`, { authorization });
    expect(trpc.response.status).toBe(200);
    // Both are live on B: a message sent on A reaches them.
    const visitor = (await (
      await fetch(`${a.baseUrl}/api/chats/visitors/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      })
    ).json()) as { data: { id: string } };
    const session = (await (
      await fetch(`${a.baseUrl}/api/chats/sessions/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ visitor_id: visitor.data.id }),
      })
    ).json()) as { data: { id: string } };
    await fetch(`${a.baseUrl}/api/chats/messages/chat/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "hello", session_id: session.data.id, visitor_id: visitor.data.id }),
    });
    const seen = (frames: { event?: string; data: string }[]) =>
      frames.some((frame) => frame.data.includes('"hello"'));
    expect(seen(await rest.readUntil(seen))).toBe(true);
    expect(seen(await trpc.readUntil(seen))).toBe(true);

    const revokedAt = Date.now();
    await adminMutation(cookie, "admin.apiKeys.revoke", { id: created.api_key.id });
    // Each stream ends (the reader sees its end; what was already on its way may still arrive before it).
    await Promise.all([rest.readUntil(() => false), trpc.readUntil(() => false)]);
    const endedWithinMs = Date.now() - revokedAt;
    // The signal ended them, not the periodic re-check (figure for the report: endedWithinMs).
    expect(endedWithinMs).toBeLessThan(ACCESS_RECHECK_MS);
    console.info(`revocation: both streams on B ended ${endedWithinMs} ms after the revoke on A`);
    // And the key opens nothing any more.
    expect((await fetch(`${b.baseUrl}/api/admin/events/`, { headers: { authorization } })).status).toBe(401);
    await rest.close();
    await trpc.close();
  }, 60_000);
});
