import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticateAdmin } from "~/server/admin/admin-access";
import { createOrResetAdminUser } from "~/server/admin/admin-users.service";
import { adminAuthFor } from "~/server/admin/auth";
import { SIGN_IN_ACCOUNT_LIMIT, enforceSignInLimits } from "~/server/admin/sign-in-throttle";
import { getDashboard } from "~/server/admin/dashboard.service";
import { createCaller } from "~/server/api/root";
import type { ChatDeps } from "~/server/chat/deps";
import { TEST_ADMIN, ensureTestAdmin, signInInProcess, signOutInProcess } from "./helpers/admin";
import { describeEachDatabase } from "./helpers/databases";
import { ScriptedResponder } from "./helpers/responders";

const BOOTSTRAP_KEY = "test-admin-key-0123456789abcdef"; // ADMIN_API_KEY in vitest.config.mts
const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";

async function trpcErrorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => new Error("expected the call to fail, but it succeeded"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

const bearer = (key: string) => new Headers({ authorization: `Bearer ${key}` });

describeEachDatabase("admin: sign-in, access, API keys, sessions, dashboard", (database, dialect) => {
  let deps: ChatDeps;
  let adminUserId: string;
  // Each dialect counts sign-in attempts from its own (documentation-range) client address.
  const ipBase = dialect === "sqlite" ? "198.51.100" : "203.0.113";

  beforeAll(async () => {
    deps = { db: database().db, dialect: database().dialect, responder: new ScriptedResponder(["ok"]) };
    adminUserId = await ensureTestAdmin(deps);
  });

  const callerWith = (headers: Headers) =>
    createCaller({ getDeps: async () => deps, headers, ip: `${ipBase}.99` });

  describe("sign-in (Better Auth)", () => {
    it("signs in with the password set on the command line; the cookie is httpOnly and SameSite=Lax", async () => {
      const { response, cookie } = await signInInProcess(deps, TEST_ADMIN, `${ipBase}.10`);
      expect(response.status).toBe(200);
      const setCookie = response.headers.getSetCookie().join("\n");
      expect(setCookie).toMatch(/visitor-chat-admin\.session_token=/);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(await authenticateAdmin(deps, new Headers({ cookie: cookie! }))).toMatchObject({
        kind: "session",
        userId: adminUserId,
        email: TEST_ADMIN.email,
      });
    });

    it("stores the password only as Better Auth's hash", async () => {
      const account = await deps.db.adminAccount.findFirstOrThrow({
        where: { userId: adminUserId, providerId: "credential" },
      });
      expect(account.password).toBeTruthy();
      expect(account.password).not.toContain(TEST_ADMIN.password);
    });

    it("refuses a wrong password and an unknown email without a session", async () => {
      for (const credentials of [
        { email: TEST_ADMIN.email, password: "wrong password entirely" },
        { email: "nobody@example.com", password: TEST_ADMIN.password },
      ]) {
        const { response, cookie } = await signInInProcess(deps, credentials, `${ipBase}.11`);
        expect(response.status).toBe(401);
        expect(cookie).toBeNull();
      }
    });

    it("has no public sign-up", async () => {
      const before = await deps.db.adminUser.count();
      const response = await adminAuthFor(deps).handler(
        new Request("http://admin.test/api/auth/sign-up/email", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://admin.test", host: "admin.test" },
          body: JSON.stringify({
            email: "intruder@example.com",
            password: "long enough password",
            name: "x",
          }),
        }),
      );
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(await deps.db.adminUser.count()).toBe(before);
    });

    it("refuses a sign-in posted from another site (Origin check)", async () => {
      const response = await adminAuthFor(deps).handler(
        new Request("http://admin.test/api/auth/sign-in/email", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            origin: "https://evil.example",
            host: "admin.test",
            cookie: "visitor-chat-admin.session_token=x",
            "x-forwarded-for": `${ipBase}.12`,
          },
          body: JSON.stringify(TEST_ADMIN),
        }),
      );
      expect(response.status).toBe(403);
    });

    it("rate-limits sign-in per client: after 5 attempts in a minute even the right password waits", async () => {
      const account = { email: `per-address-${dialect}@example.com`, password: "another long password" };
      await createOrResetAdminUser(deps, account);
      const ip = `${ipBase}.13`;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const { response } = await signInInProcess(deps, { ...account, password: "guess number x" }, ip);
        expect(response.status).toBe(401);
      }
      const blocked = await signInInProcess(deps, account, ip);
      expect(blocked.response.status).toBe(429);
      expect(blocked.cookie).toBeNull();
      // Another client is not affected.
      expect((await signInInProcess(deps, account, `${ipBase}.14`)).response.status).toBe(200);
    });

    it("limits sign-in per account and address: guesses from one address never lock the owner out elsewhere", async () => {
      const account = { email: `per-account-${dialect}@example.com`, password: "yet another long password" };
      await createOrResetAdminUser(deps, account);
      const from = (ip: string) => new Headers({ "x-forwarded-for": ip });
      const attacker = `192.0.2.${dialect === "sqlite" ? 66 : 67}`;
      for (let attempt = 0; attempt < SIGN_IN_ACCOUNT_LIMIT.max; attempt += 1)
        await enforceSignInLimits(from(attacker), account.email);
      await expect(enforceSignInLimits(from(attacker), account.email.toUpperCase())).rejects.toMatchObject({
        statusCode: 429,
      });
      const blocked = await signInInProcess(deps, account, attacker);
      expect(blocked.response.status).toBe(429);
      expect(((await blocked.response.json()) as { message: string }).message).toMatch(
        /Too many sign-in attempts/,
      );
      // The owner, from their own address, is not affected (the old per-account limit locked them out).
      expect((await signInInProcess(deps, account, `${ipBase}.98`)).response.status).toBe(200);
    });

    it("signing out ends the session at once", async () => {
      const { cookie } = await signInInProcess(deps, TEST_ADMIN, `${ipBase}.15`);
      const headers = new Headers({ cookie: cookie! });
      expect(await authenticateAdmin(deps, headers)).not.toBeNull();
      expect((await signOutInProcess(deps, cookie!)).status).toBe(200);
      expect(await authenticateAdmin(deps, headers)).toBeNull();
      expect((await trpcErrorOf(callerWith(headers).admin.dashboard())).code).toBe("UNAUTHORIZED");
    });

    it("resetting a password from the command line signs the admin out everywhere", async () => {
      const { cookie } = await signInInProcess(deps, TEST_ADMIN, `${ipBase}.16`);
      await ensureTestAdmin(deps);
      expect(await authenticateAdmin(deps, new Headers({ cookie: cookie! }))).toBeNull();
    });
  });

  describe("API keys", () => {
    let sessionHeaders: Headers;
    beforeAll(async () => {
      sessionHeaders = new Headers({
        cookie: (await signInInProcess(deps, TEST_ADMIN, `${ipBase}.20`)).cookie!,
      });
    });

    it("creates a key shown once, stores only its hash, and accepts it as Bearer until revoked", async () => {
      const admin = callerWith(sessionHeaders).admin.apiKeys;
      const created = await admin.create({ name: "  CRM sync  " });
      expect(created.key).toMatch(/^vcak_[\w-]{43}$/);
      expect(created.api_key).toMatchObject({ name: "CRM sync", last_used_at: null, revoked_at: null });
      expect(created.api_key.created_by).toBe(TEST_ADMIN.email);
      expect(created.key.startsWith(created.api_key.prefix)).toBe(true);

      const stored = await deps.db.apiKey.findUniqueOrThrow({ where: { id: created.api_key.id } });
      expect(stored.key_hash).not.toContain(created.key);
      expect(JSON.stringify(await admin.list())).not.toContain(created.key);

      expect(await authenticateAdmin(deps, bearer(created.key))).toEqual({
        kind: "api_key",
        apiKeyId: created.api_key.id,
      });
      const used = await deps.db.apiKey.findUniqueOrThrow({ where: { id: created.api_key.id } });
      expect(used.last_used_at).not.toBeNull();
      await expect(callerWith(bearer(created.key)).admin.sessions.list({})).resolves.toHaveProperty("items");

      const revoked = await admin.revoke({ id: created.api_key.id });
      expect(revoked.revoked_at).not.toBeNull();
      expect(await authenticateAdmin(deps, bearer(created.key))).toBeNull();
      expect((await trpcErrorOf(callerWith(bearer(created.key)).admin.sessions.list({}))).code).toBe(
        "UNAUTHORIZED",
      );
      // Revoking again keeps the first revocation time.
      expect((await admin.revoke({ id: created.api_key.id })).revoked_at).toBe(revoked.revoked_at);
    });

    it("refuses unknown keys, keys of the wrong shape, and an empty name", async () => {
      for (const key of ["vcak_" + "a".repeat(43), "nonsense", BOOTSTRAP_KEY.slice(0, -1)]) {
        expect(await authenticateAdmin(deps, bearer(key))).toBeNull();
      }
      const admin = callerWith(sessionHeaders).admin.apiKeys;
      expect((await trpcErrorOf(admin.create({ name: "   " }))).code).toBe("BAD_REQUEST");
      expect((await trpcErrorOf(admin.revoke({ id: UNKNOWN_UUID }))).code).toBe("NOT_FOUND");
      expect((await trpcErrorOf(admin.revoke({ id: "not-a-uuid" }))).code).toBe("NOT_FOUND");
    });

    it("keeps the bootstrap ADMIN_API_KEY working, but only a signed-in admin manages keys", async () => {
      expect(await authenticateAdmin(deps, bearer(BOOTSTRAP_KEY))).toEqual({ kind: "bootstrap_key" });
      const { key } = await callerWith(sessionHeaders).admin.apiKeys.create({ name: "integration" });
      for (const headers of [bearer(BOOTSTRAP_KEY), bearer(key)]) {
        const error = await trpcErrorOf(callerWith(headers).admin.apiKeys.create({ name: "escalation" }));
        expect(error.code).toBe("FORBIDDEN");
        expect(error.message).toMatch(/signed-in admin/);
      }
      expect((await trpcErrorOf(callerWith(new Headers()).admin.apiKeys.list())).code).toBe("UNAUTHORIZED");
    });

    it("judges a request with a Bearer header by that key alone, even with a valid cookie", async () => {
      const headers = new Headers(sessionHeaders);
      headers.set("authorization", "Bearer wrong-key-0123456789");
      expect(await authenticateAdmin(deps, headers)).toBeNull();
    });
  });

  describe("sessions, transcripts and visitors", () => {
    const day = (iso: string) => new Date(iso);
    let admin: ReturnType<typeof createCaller>["admin"];
    let visitorId: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      admin = callerWith(bearer(BOOTSTRAP_KEY)).admin;
      const visitor = await deps.db.visitor.create({
        data: { metadata: { locale: "de-AT" }, created_at: day("2022-05-01T08:00:00Z") },
      });
      visitorId = visitor.id;
      const sessions = [
        ["early", "2022-05-01T23:59:59.999Z", "2022-05-05T10:00:00Z", "complete"],
        ["first-day", "2022-05-02T00:00:00.000Z", "2022-05-06T10:00:00Z", "failed"],
        ["last-day", "2022-05-03T23:59:59.999Z", "2022-05-04T10:00:00Z", "complete"],
        ["late", "2022-05-04T00:00:00.000Z", "2022-05-07T10:00:00Z", "complete"],
      ] as const;
      for (const [title, created, updated, status] of sessions) {
        const session = await deps.db.session.create({
          data: { visitor_id: visitor.id, title, created_at: day(created), updated_at: day(updated) },
        });
        ids[title] = session.id;
        await deps.db.message.create({
          data: { session_id: session.id, role: "user", content: `hello ${title}`, created_at: day(created) },
        });
        await deps.db.message.create({
          data: {
            session_id: session.id,
            role: "assistant",
            content: `reply ${title}`,
            status,
            created_at: new Date(day(created).getTime() + 1),
          },
        });
      }
    });

    it("filters sessions by start day (inclusive, UTC) and lists them by latest activity", async () => {
      const page = await admin.sessions.list({ from: "2022-05-02", to: "2022-05-03", visitor_id: visitorId });
      expect(page.items.map((item) => item.title)).toEqual(["first-day", "last-day"]);
      expect(page.items[0]).toMatchObject({ message_count: 2, failed_count: 1, visitor_id: visitorId });
      const open = await admin.sessions.list({ from: "2022-05-03", visitor_id: visitorId });
      expect(open.items.map((item) => item.title)).toEqual(["late", "last-day"]);
    });

    it("filters by reply status", async () => {
      const failed = await admin.sessions.list({ status: "failed", visitor_id: visitorId });
      expect(failed.items.map((item) => item.title)).toEqual(["first-day"]);
      const ok = await admin.sessions.list({ status: "ok", visitor_id: visitorId });
      expect(ok.items.map((item) => item.title)).toEqual(["late", "early", "last-day"]);
    });

    it("pages with a cursor without skipping or repeating", async () => {
      const first = await admin.sessions.list({ visitor_id: visitorId, limit: 3 });
      const second = await admin.sessions.list({
        visitor_id: visitorId,
        limit: 3,
        cursor: first.next_cursor!,
      });
      expect([...first.items, ...second.items].map((item) => item.title)).toEqual([
        "late",
        "first-day",
        "early",
        "last-day",
      ]);
      expect(second.next_cursor).toBeNull();
    });

    it("refuses bad filters with a clear 400", async () => {
      const reversed = await trpcErrorOf(admin.sessions.list({ from: "2022-05-03", to: "2022-05-02" }));
      expect(reversed.code).toBe("BAD_REQUEST");
      expect(reversed.message).toMatch(/from must be on or before to/);
      const badDay = await trpcErrorOf(admin.sessions.list({ from: "05/02/2022" }));
      expect(badDay.code).toBe("BAD_REQUEST");
      expect(badDay.message).toMatch(/YYYY-MM-DD/);
      expect((await trpcErrorOf(admin.sessions.list({ status: "bogus" as never }))).code).toBe("BAD_REQUEST");
      expect((await trpcErrorOf(admin.sessions.list({ cursor: "garbage" }))).code).toBe("BAD_REQUEST");
    });

    it("returns a transcript with every message in order, and 404 for unknown sessions", async () => {
      const transcript = await admin.sessions.transcript({ id: ids["first-day"]! });
      expect(transcript.visitor).toMatchObject({ id: visitorId, metadata: { locale: "de-AT" } });
      expect(transcript.messages.map((message) => [message.role, message.status, message.content])).toEqual([
        ["user", "complete", "hello first-day"],
        ["assistant", "failed", "reply first-day"],
      ]);
      for (const id of [UNKNOWN_UUID, "nope"])
        expect((await trpcErrorOf(admin.sessions.transcript({ id }))).code).toBe("NOT_FOUND");
    });

    it("searches visitors by metadata and sorts them by last seen", async () => {
      const api = callerWith(bearer(BOOTSTRAP_KEY));
      const found = await api.visitors.list({ search: "DE-at" });
      expect(found.items.map((item) => item.id)).toEqual([visitorId]);
      expect(found.items[0]!.session_count).toBe(4);
      const a = await deps.db.visitor.create({
        data: { metadata: {}, last_seen_at: day("2030-01-02T00:00:00Z") },
      });
      const b = await deps.db.visitor.create({
        data: { metadata: {}, last_seen_at: day("2030-01-01T00:00:00Z") },
      });
      const bySeen = await api.visitors.list({ sort: "last_seen", limit: 1 });
      expect(bySeen.items[0]!.id).toBe(a.id);
      const next = await api.visitors.list({ sort: "last_seen", limit: 1, cursor: bySeen.next_cursor! });
      expect(next.items[0]!.id).toBe(b.id);
    });
  });

  describe("dashboard", () => {
    it("counts totals and new sessions and messages per UTC day for the last 30 days", async () => {
      const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
      const at = (iso: string) => new Date(iso);
      for (const created of ["2023-03-30T00:00:00Z", "2023-03-30T23:59:59Z", "2023-03-01T12:00:00Z"]) {
        const session = await deps.db.session.create({
          data: { visitor_id: visitor.id, created_at: at(created), updated_at: at(created) },
        });
        await deps.db.message.create({
          data: { session_id: session.id, role: "user", content: "x", created_at: at(created) },
        });
      }
      // 2023-02-28 is 31 days before 2023-03-30: outside the window.
      const old = await deps.db.session.create({
        data: { visitor_id: visitor.id, created_at: at("2023-02-28T12:00:00Z") },
      });
      await deps.db.message.create({
        data: { session_id: old.id, role: "user", content: "x", created_at: at("2023-02-28T12:00:00Z") },
      });

      const dashboard = await getDashboard(deps, at("2023-03-30T15:00:00Z"));
      expect(dashboard.days).toHaveLength(30);
      expect(dashboard.days[0]!.date).toBe("2023-03-01");
      expect(dashboard.days.at(-1)).toEqual({ date: "2023-03-30", sessions: 2, messages: 2 });
      expect(dashboard.days[0]).toEqual({ date: "2023-03-01", sessions: 1, messages: 1 });
      expect(dashboard.days.slice(1, -1).every((entry) => entry.sessions === 0 && entry.messages === 0)).toBe(
        true,
      );
      expect(dashboard.totals).toEqual({
        visitors: await deps.db.visitor.count(),
        sessions: await deps.db.session.count(),
        messages: await deps.db.message.count(),
        failed_replies: await deps.db.message.count({ where: { status: "failed" } }),
      });
    });
  });
});
