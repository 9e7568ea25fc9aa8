import { beforeAll, expect, it } from "vitest";
import { authenticateAdmin } from "~/server/admin/auth/admin-access";
import { createOrResetAdminUser } from "~/server/admin/auth/admin-users.service";
import { adminAuthFor } from "~/server/admin/auth/auth";
import { SIGN_IN_ACCOUNT_LIMIT, enforceSignInLimits } from "~/server/admin/auth/sign-in-throttle";
import { admitSlidingAttempt } from "~/server/admin/auth/sign-in-window";
import type { ChatDeps } from "~/server/chat/deps";
import { TEST_ADMIN, ensureTestAdmin, signInInProcess, signOutInProcess } from "../testing/admin";
import { ScriptedResponder } from "../testing/responders";
import { adminCaller } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";
import { testDeps } from "./helpers/deps";

describeEachDatabase("admin sign-in (Better Auth)", (database, dialect) => {
  let deps: ChatDeps;
  let adminUserId: string;
  // Each dialect counts sign-in attempts from its own (documentation-range) client address.
  const ipBase = dialect === "sqlite" ? "198.51.100" : "203.0.113";

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
    adminUserId = await ensureTestAdmin(deps);
  });

  const callerWith = (headers: Headers) => adminCaller(deps, headers, `${ipBase}.99`);

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

  it("limits sign-in per account and address: after 5 attempts in a minute even the right password waits; a colleague at the same address signs in", async () => {
    const account = { email: `per-address-${dialect}@example.com`, password: "another long password" };
    const colleague = { email: `colleague-${dialect}@example.com`, password: "the colleague's password" };
    await createOrResetAdminUser(deps, account);
    await createOrResetAdminUser(deps, colleague);
    const ip = `${ipBase}.13`;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const { response } = await signInInProcess(deps, { ...account, password: "guess number x" }, ip);
      expect(response.status).toBe(401);
    }
    const blocked = await signInInProcess(deps, account, ip);
    expect(blocked.response.status).toBe(429);
    expect(blocked.cookie).toBeNull();
    expect(Number(blocked.response.headers.get("retry-after"))).toBeGreaterThan(0);
    // Two agents from one office address never block each other…
    for (let attempt = 0; attempt < 5; attempt += 1)
      expect((await signInInProcess(deps, colleague, ip)).response.status).toBe(200);
    // … and another client of the same account is not affected.
    expect((await signInInProcess(deps, account, `${ipBase}.14`)).response.status).toBe(200);
  });

  it("limits sign-in per account and address: guesses from one address never lock the owner out elsewhere", async () => {
    const account = { email: `per-account-${dialect}@example.com`, password: "yet another long password" };
    await createOrResetAdminUser(deps, account);
    const from = (ip: string) => new Headers({ "x-forwarded-for": ip });
    const attacker = `192.0.2.${dialect === "sqlite" ? 66 : 67}`;
    for (let attempt = 0; attempt < 5; attempt += 1)
      await enforceSignInLimits(deps, from(attacker), account.email);
    await expect(
      enforceSignInLimits(deps, from(attacker), account.email.toUpperCase()),
    ).rejects.toMatchObject({
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

  it("the sign-in windows slide: attempts 20 s apart always pass, a burst waits only until its oldest leaves", async () => {
    const rates = [
      { points: 5, seconds: 60 },
      { points: SIGN_IN_ACCOUNT_LIMIT.max, seconds: SIGN_IN_ACCOUNT_LIMIT.windowMinutes * 60 },
    ];
    const start = Date.parse("2026-03-01T09:00:00.000Z");
    const at = (seconds: number) => new Date(start + seconds * 1000);
    // The report: 7 sign-ins 20 s apart, at most 3 in any minute — all admitted (a fixed window that
    // never restarts refused the 6th and 7th).
    const spaced = `spaced-${dialect}`;
    for (let index = 0; index < 7; index += 1)
      expect(
        await admitSlidingAttempt(deps, spaced, rates, at(index * 20)),
        `attempt ${index + 1}`,
      ).toBeNull();

    // A burst of 5 in 4 s: the 6th waits until the first is a minute old, not a whole new window.
    const burst = `burst-${dialect}`;
    for (let index = 0; index < 5; index += 1)
      expect(await admitSlidingAttempt(deps, burst, rates, at(index))).toBeNull();
    expect(await admitSlidingAttempt(deps, burst, rates, at(30))).toBe(30);
    // Refused attempts are not counted: at 60 s the first has left, one more fits; at 61 s the second, and so on.
    expect(await admitSlidingAttempt(deps, burst, rates, at(59))).toBe(1);
    expect(await admitSlidingAttempt(deps, burst, rates, at(60))).toBeNull();
    expect(await admitSlidingAttempt(deps, burst, rates, at(60))).toBe(1);
    expect(await admitSlidingAttempt(deps, burst, rates, at(61))).toBeNull();

    // The 15-minute bound: 10 admitted in any 15 minutes, spaced so the minute never binds.
    const slow = `slow-${dialect}`;
    for (let index = 0; index < SIGN_IN_ACCOUNT_LIMIT.max; index += 1)
      expect(await admitSlidingAttempt(deps, slow, rates, at(index * 30))).toBeNull();
    const waitSeconds = await admitSlidingAttempt(deps, slow, rates, at(SIGN_IN_ACCOUNT_LIMIT.max * 30));
    expect(waitSeconds).toBe(SIGN_IN_ACCOUNT_LIMIT.windowMinutes * 60 - SIGN_IN_ACCOUNT_LIMIT.max * 30);
    expect(
      await admitSlidingAttempt(deps, slow, rates, at(SIGN_IN_ACCOUNT_LIMIT.windowMinutes * 60)),
    ).toBeNull();
  });

  it("signing out ends the session at once", async () => {
    const { cookie } = await signInInProcess(deps, TEST_ADMIN, `${ipBase}.15`);
    const headers = new Headers({ cookie: cookie! });
    expect(await authenticateAdmin(deps, headers)).not.toBeNull();
    expect((await signOutInProcess(deps, cookie!)).status).toBe(200);
    expect(await authenticateAdmin(deps, headers)).toBeNull();
    await expectTrpcError(callerWith(headers).admin.dashboard(), "UNAUTHORIZED");
  });

  it("resetting a password from the command line signs the admin out everywhere", async () => {
    const { cookie } = await signInInProcess(deps, TEST_ADMIN, `${ipBase}.16`);
    await ensureTestAdmin(deps);
    expect(await authenticateAdmin(deps, new Headers({ cookie: cookie! }))).toBeNull();
  });
});
