import { beforeAll, expect, it } from "vitest";
import { authenticateAdmin } from "~/server/admin/auth/admin-access";
import { createOrResetAdminUser } from "~/server/admin/auth/admin-users.service";
import { adminAuthFor } from "~/server/admin/auth/auth";
import type { ChatDeps } from "~/server/chat/deps";
import { signInInProcess } from "../testing/admin";
import { ScriptedResponder } from "../testing/responders";
import { adminCaller } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";

/**
 * /admin/profile's two actions, through the same endpoints the page calls, on both databases: changing one's
 * password with Better Auth's change-password (the current one is checked, too short is refused, other sessions
 * end, the new one signs in and the old one no longer does), and one's alert emails (admin.email.setAlerts).
 */
describeEachDatabase("admin profile: password and alert emails", (database, dialect) => {
  let deps: ChatDeps;
  const email = `profile-${dialect}@example.com`;
  const oldPassword = "the old password, long enough";
  const newPassword = "a brand new password, long too";
  const ip = dialect === "sqlite" ? "198.51.100.77" : "203.0.113.77";

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
    await createOrResetAdminUser(deps, {
      email,
      password: oldPassword,
      name: "Profile Tester",
      role: "agent",
    });
  });

  const changePassword = (cookie: string, body: unknown) =>
    adminAuthFor(deps).handler(
      new Request("http://admin.test/api/auth/change-password", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: "http://admin.test",
          host: "admin.test",
          cookie,
          "x-forwarded-for": ip,
        },
        body: JSON.stringify(body),
      }),
    );

  it("changes the password: the current one is checked, other sessions end, only the new one signs in", async () => {
    const first = await signInInProcess(deps, { email, password: oldPassword }, ip);
    const second = await signInInProcess(deps, { email, password: oldPassword }, ip);
    expect(first.cookie && second.cookie).toBeTruthy();

    const wrong = await changePassword(first.cookie!, {
      currentPassword: "not the current password",
      newPassword,
      revokeOtherSessions: true,
    });
    expect(wrong.status).toBe(400);
    const tooShort = await changePassword(first.cookie!, {
      currentPassword: oldPassword,
      newPassword: "short",
      revokeOtherSessions: true,
    });
    expect(tooShort.status).toBe(400);

    const changed = await changePassword(first.cookie!, {
      currentPassword: oldPassword,
      newPassword,
      revokeOtherSessions: true,
    });
    expect(changed.status).toBe(200);
    // The other session was signed out.
    expect(await authenticateAdmin(deps, new Headers({ cookie: second.cookie! }))).toBeNull();
    expect((await signInInProcess(deps, { email, password: oldPassword }, ip)).response.status).toBe(401);
    const again = await signInInProcess(deps, { email, password: newPassword }, ip);
    expect(again.response.status).toBe(200);
    expect(await authenticateAdmin(deps, new Headers({ cookie: again.cookie! }))).toMatchObject({
      kind: "session",
      email,
      name: "Profile Tester",
      role: "agent",
    });
  });

  it("an agent turns their own alert emails off and on", async () => {
    const { cookie } = await signInInProcess(deps, { email, password: newPassword }, ip);
    const caller = adminCaller(deps, new Headers({ cookie: cookie!, "x-forwarded-for": ip }), ip);
    expect((await caller.admin.email.setAlerts({ email_alerts: false })).email_alerts).toBe(false);
    expect((await caller.admin.email.status()).email_alerts).toBe(false);
    expect((await caller.admin.email.setAlerts({ email_alerts: true })).email_alerts).toBe(true);
  });
});
