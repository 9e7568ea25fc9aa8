/**
 * The team (issue 26, item 1): users invited with a role through a single-use link, roles enforced by the one rule
 * (roles.ts) on every admin procedure, disabling a user ends their sessions at once, and the audit log names who
 * acted. In process, on both databases (the HTTP side, every route for an agent cookie and an agent key, is in
 * tests/admin-access.test.ts).
 */
import type { AnyProcedure } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticateAdmin } from "~/server/admin/auth/admin-access";
import { mayAccess } from "~/server/admin/auth/roles";
import { principalKey } from "~/server/admin/auth/revocation";
import { acceptInvite, findInvite } from "~/server/admin/users/users.service";
import { appRouter } from "~/server/api/root";
import type { ProcedureMeta } from "~/server/api/trpc";
import type { ChatDeps } from "~/server/chat/deps";
import { fillSavedReply } from "~/shared/saved-replies";
import { createOrResetAdminUser } from "~/server/admin/auth/admin-users.service";
import { TEST_ADMIN, ensureTestAdmin, signInInProcess } from "../testing/admin";
import { ScriptedResponder } from "../testing/responders";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";
import { expectTrpcError } from "./helpers/trpc";

const ORIGIN = "http://admin.test";

describe("the one rule of roles", () => {
  it("admins reach everything; agents the agent routes; read keys only the agent routes' reads", () => {
    expect(mayAccess({ role: "admin" }, "admin", true)).toBe(true);
    expect(mayAccess({ role: "agent" }, "admin", false)).toBe(false);
    expect(mayAccess({ role: "agent" }, "agent", true)).toBe(true);
    expect(mayAccess({ scope: "admin" }, "admin", true)).toBe(true);
    expect(mayAccess({ scope: "agent" }, "admin", false)).toBe(false);
    expect(mayAccess({ scope: "agent" }, "agent", true)).toBe(true);
    expect(mayAccess({ scope: "read" }, "agent", false)).toBe(true);
    expect(mayAccess({ scope: "read" }, "agent", true)).toBe(false);
    expect(mayAccess({ scope: "read" }, "admin", false)).toBe(false);
  });
});

/** Every admin procedure with what it needs, from the router itself. */
const ADMIN_PROCEDURES = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>)
  .filter(([name]) => name.startsWith("admin."))
  .map(([name, procedure]) => ({
    name,
    type: procedure._def.type,
    access: (procedure._def.meta as ProcedureMeta | undefined)?.access ?? "admin",
  }));

describeEachDatabase("the team: users, roles, invitations", (database, dialect) => {
  let deps: ChatDeps;
  const ipBase = dialect === "sqlite" ? "198.51.100" : "203.0.113";
  let adminHeaders: Headers;
  const caller = (headers: Headers) => adminCaller(deps, headers, `${ipBase}.80`);
  const sameSite = (cookie: string) => new Headers({ cookie, origin: ORIGIN, host: "admin.test" });

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
    await ensureTestAdmin(deps);
    adminHeaders = sameSite((await signInInProcess(deps, TEST_ADMIN, `${ipBase}.30`)).cookie!);
  });

  /** Invites an agent (as the test admin) and sets their password through the link; answers their cookie. */
  async function inviteAndJoin(email: string, name: string, role: "admin" | "agent" = "agent") {
    const created = await caller(adminHeaders).admin.users.create({ email, name, role });
    const token = new URL(created.invite_url).pathname.split("/").at(-1)!;
    await acceptInvite(deps, { token, password: "a long enough password" }, `${ipBase}.31`);
    const signedIn = await signInInProcess(
      deps,
      { email, password: "a long enough password" },
      `${ipBase}.32`,
    );
    expect(signedIn.response.status).toBe(200);
    return { created, token, cookie: signedIn.cookie! };
  }

  it("invites a user with a single-use link that expires; they set a password and sign in with their role", async () => {
    const created = await caller(adminHeaders).admin.users.create({
      email: "Ada@Example.com",
      name: "Ada",
      role: "agent",
    });
    expect(created).toMatchObject({ email: "ada@example.com", name: "Ada", role: "agent" });
    expect(created.invite_url).toMatch(/^http:\/\/admin\.test\/admin\/invite\/[\w-]{43}$/);
    const token = created.invite_url.split("/").at(-1)!;
    // Only a hash of the token is stored.
    const stored = await deps.db.adminInvite.findFirstOrThrow({ where: { user_id: created.id } });
    expect(stored.token_hash).not.toContain(token);

    const listed = await caller(adminHeaders).admin.users.list();
    expect(listed.items.find((user) => user.id === created.id)).toMatchObject({
      role: "agent",
      disabled: false,
      invite_pending: true,
    });
    // No password yet: signing in fails.
    expect(
      (await signInInProcess(deps, { email: "ada@example.com", password: "x".repeat(12) }, `${ipBase}.33`))
        .response.status,
    ).toBe(401);

    expect(await findInvite(deps, token)).toMatchObject({ email: "ada@example.com", name: "Ada" });
    await acceptInvite(deps, { token, password: "ada's own password" }, `${ipBase}.34`);
    expect(await findInvite(deps, token)).toBeNull();
    await expect(
      acceptInvite(deps, { token, password: "another password!" }, undefined),
    ).rejects.toMatchObject({
      id: "INVITE_INVALID",
    });
    const signedIn = await signInInProcess(
      deps,
      { email: "ada@example.com", password: "ada's own password" },
      `${ipBase}.35`,
    );
    expect(signedIn.response.status).toBe(200);
    expect(await authenticateAdmin(deps, new Headers({ cookie: signedIn.cookie! }))).toMatchObject({
      kind: "session",
      userId: created.id,
      role: "agent",
    });
    expect(
      (await caller(adminHeaders).admin.users.list()).items.find((u) => u.id === created.id)?.invite_pending,
    ).toBe(false);

    // An expired link opens nothing.
    const late = await caller(adminHeaders).admin.users.create({
      email: "late@example.com",
      name: "Late",
      role: "agent",
    });
    await deps.db.adminInvite.updateMany({
      where: { user_id: late.id },
      data: { expires_at: new Date(Date.now() - 1000) },
    });
    const lateToken = late.invite_url.split("/").at(-1)!;
    expect(await findInvite(deps, lateToken)).toBeNull();
    await expect(
      acceptInvite(deps, { token: lateToken, password: "a long enough password" }, undefined),
    ).rejects.toMatchObject({
      id: "INVITE_INVALID",
    });

    // The same email twice: 409; bad input: field-level 400.
    await expectTrpcError(
      caller(adminHeaders).admin.users.create({ email: "ada@example.com", name: "Ada", role: "agent" }),
      "CONFLICT",
      "USER_EMAIL_TAKEN",
    );
    await expectTrpcError(
      caller(adminHeaders).admin.users.create({
        email: "x@example.com",
        name: "X",
        role: "owner" as "admin",
      }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
      /role must be admin or agent/,
    );
  });

  it("an agent reaches exactly the agent procedures: every other admin procedure is 403, for the cookie and an agent key", async () => {
    const { cookie } = await inviteAndJoin("bo@example.com", "Bo");
    const agentKey = (await caller(adminHeaders).admin.apiKeys.create({ name: "bridge", scopes: ["agent"] }))
      .key;
    const readKey = (await caller(adminHeaders).admin.apiKeys.create({ name: "bi", scopes: ["read"] })).key;
    const callers: [string, Headers][] = [
      ["agent cookie", sameSite(cookie)],
      ["agent key", bearer(agentKey)],
      ["read key", bearer(readKey)],
    ];
    const denied = ADMIN_PROCEDURES.filter((procedure) => procedure.access === "admin");
    expect(denied.map((procedure) => procedure.name)).toEqual(
      expect.arrayContaining([
        "admin.settings.update",
        "admin.users.create",
        "admin.audit.list",
        "admin.visitors.delete",
        "admin.visitors.export",
      ]),
    );
    for (const [label, headers] of callers) {
      for (const procedure of ADMIN_PROCEDURES) {
        const allowed =
          procedure.access === "agent" && (label !== "read key" || procedure.type !== "mutation");
        if (allowed || procedure.type === "subscription") continue;
        const call = procedure.name
          .split(".")
          .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], caller(headers)) as (
          input: unknown,
        ) => Promise<unknown>;
        await expectTrpcError(call({}), "FORBIDDEN", undefined, /Only an admin may do this/).catch(
          (error: unknown) => {
            throw new Error(`${procedure.name} with ${label}: ${String(error)}`);
          },
        );
      }
    }
    // … and the agent's own routes answer them.
    await expect(caller(sameSite(cookie)).admin.sessions.list({})).resolves.toHaveProperty("items");
    await expect(caller(bearer(readKey)).admin.visitors.list({})).resolves.toHaveProperty("items");
  });

  it("changes roles from the next call on, and never leaves the team without an active admin", async () => {
    const { created, cookie } = await inviteAndJoin("cy@example.com", "Cy");
    await expectTrpcError(caller(sameSite(cookie)).admin.settings.get(), "FORBIDDEN");
    await caller(adminHeaders).admin.users.update({ id: created.id, role: "admin" });
    await expect(caller(sameSite(cookie)).admin.settings.get()).resolves.toHaveProperty("title");
    await caller(adminHeaders).admin.users.update({ id: created.id, role: "agent" });
    await expectTrpcError(caller(sameSite(cookie)).admin.settings.get(), "FORBIDDEN");

    const self = (await authenticateAdmin(deps, adminHeaders))!;
    const selfId = self.kind === "session" ? self.userId : "";
    // Other admins exist in this database only if a test made one: make sure the test admin is the only one.
    const admins = await deps.db.adminUser.findMany({ where: { role: "admin", disabledAt: null } });
    expect(admins.map((admin) => admin.id)).toEqual([selfId]);
    await expectTrpcError(
      caller(adminHeaders).admin.users.update({ id: selfId, role: "agent" }),
      "CONFLICT",
      "LAST_ADMIN",
    );
    await expectTrpcError(
      caller(adminHeaders).admin.users.update({ id: selfId, disabled: true }),
      "CONFLICT",
      "LAST_ADMIN",
    );
    await expectTrpcError(
      caller(adminHeaders).admin.users.update({ id: "nobody", role: "agent" }),
      "NOT_FOUND",
      "USER_NOT_FOUND",
    );
    // A person's auto-assignment capacity: 1–50, or null for the team's; listed with the user.
    for (const [capacity, message] of [
      [0, /capacity must be at least 1/],
      [51, /capacity must be at most 50/],
      [1.5, /capacity must be a whole number/],
    ] as const)
      await expectTrpcError(
        caller(adminHeaders).admin.users.update({ id: created.id, capacity }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        message,
      );
    await caller(adminHeaders).admin.users.update({ id: created.id, capacity: 2 });
    const listed = await caller(adminHeaders).admin.users.list();
    expect(listed.items.find((user) => user.id === created.id)?.capacity).toBe(2);
    await caller(adminHeaders).admin.users.update({ id: created.id, capacity: null });
    const reset = await caller(adminHeaders).admin.users.list();
    expect(reset.items.find((user) => user.id === created.id)?.capacity).toBeNull();
  });

  it("disabling a user ends their sessions at once, refuses their sign-in, announces the end once; enabling lets them in", async () => {
    const { created, cookie } = await inviteAndJoin("di@example.com", "Di");
    await signInInProcess(
      deps,
      { email: "di@example.com", password: "a long enough password" },
      `${ipBase}.36`,
    );
    expect(await deps.db.adminSession.count({ where: { userId: created.id } })).toBe(2);
    const ended: string[] = [];
    const off = deps.events.onRevoked(principalKey({ kind: "user", id: created.id }), () => {
      ended.push(created.id);
    });
    try {
      const disabled = await caller(adminHeaders).admin.users.update({ id: created.id, disabled: true });
      expect(disabled).toMatchObject({ disabled: true });
      await caller(adminHeaders).admin.users.update({ id: created.id, disabled: true });
    } finally {
      off();
    }
    expect(ended).toEqual([created.id]);
    expect(await deps.db.adminSession.count({ where: { userId: created.id } })).toBe(0);
    expect(await authenticateAdmin(deps, new Headers({ cookie }))).toBeNull();
    const refused = await signInInProcess(
      deps,
      { email: "di@example.com", password: "a long enough password" },
      `${ipBase}.37`,
    );
    expect(refused.response.status).toBe(403);
    expect(((await refused.response.json()) as { code: string }).code).toBe("USER_DISABLED");
    expect(await deps.db.adminSession.count({ where: { userId: created.id } })).toBe(0);

    await caller(adminHeaders).admin.users.update({ id: created.id, disabled: false });
    const back = await signInInProcess(
      deps,
      { email: "di@example.com", password: "a long enough password" },
      `${ipBase}.38`,
    );
    expect(back.response.status).toBe(200);

    const entries = await deps.db.auditEntry.findMany({
      where: { object_id: created.id },
      orderBy: { created_at: "asc" },
    });
    const self = (await authenticateAdmin(deps, adminHeaders))!;
    // Each change names who made it: the admin who invited, disabled, enabled; the user who accepted.
    expect(
      entries
        .filter((entry) => entry.action.startsWith("user."))
        .map((entry) => [entry.action, entry.actor_name]),
    ).toEqual([
      ["user.invited", TEST_ADMIN.email],
      ["user.invite_accepted", "di@example.com"],
      ["user.disabled", TEST_ADMIN.email],
      ["user.enabled", TEST_ADMIN.email],
    ]);
    expect(self.kind).toBe("session");
    expect(entries.find((entry) => entry.action === "user.disabled")?.detail).toEqual({ sessions_ended: 2 });
  });

  it("an agent's claims and replies are theirs in the audit log; a key with agent_name acts as that agent", async () => {
    const { created, cookie } = await inviteAndJoin("ed@example.com", "Ed");
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id, mode: "waiting" } });
    const claimed = await caller(sameSite(cookie)).admin.sessions.claim({ id: session.id });
    expect(claimed).toMatchObject({ agent_name: "Ed" });
    const entry = await deps.db.auditEntry.findFirstOrThrow({
      where: { action: "session.claimed", object_id: session.id },
    });
    expect(entry).toMatchObject({
      actor_kind: "admin_user",
      actor_id: created.id,
      actor_name: "ed@example.com",
    });

    const other = await deps.db.session.create({ data: { visitor_id: visitor.id, mode: "waiting" } });
    const { key } = await caller(adminHeaders).admin.apiKeys.create({
      name: "bridge-fay",
      scopes: ["agent"],
      agent_name: "Fay",
    });
    // The key acts as Fay whatever name a call gives.
    const byKey = await caller(bearer(key)).admin.sessions.claim({ id: other.id, agent_name: "Gus" });
    expect(byKey).toMatchObject({ agent_name: "Fay" });
  });
});

describeEachDatabase("assignment: passing a conversation to a colleague", (database, dialect) => {
  let deps: ChatDeps;
  const ipBase = dialect === "sqlite" ? "198.51.100" : "203.0.113";
  const caller = (headers: Headers) => adminCaller(deps, headers, `${ipBase}.81`);
  const sameSite = (cookie: string) => new Headers({ cookie, origin: ORIGIN, host: "admin.test" });

  async function member(email: string, name: string, role: "admin" | "agent") {
    const password = "a long enough password";
    await createOrResetAdminUser(deps, { email, name, role, password });
    const signedIn = await signInInProcess(
      deps,
      { email, password },
      `${ipBase}.${role === "admin" ? 40 : 41}`,
    );
    const principal = (await authenticateAdmin(deps, new Headers({ cookie: signedIn.cookie! })))!;
    return { id: principal.kind === "session" ? principal.userId : "", headers: sameSite(signedIn.cookie!) };
  }

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
  });

  it("an agent passes a conversation to a colleague, who hears it live; filters mine, unassigned, all", async () => {
    const admin = await member("lead@example.com", "Lead", "admin");
    const ada = await member("ada@example.com", "Ada", "agent");
    const bob = await member("bob@example.com", "Bob", "agent");
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id, mode: "waiting" } });
    const other = await deps.db.session.create({ data: { visitor_id: visitor.id, mode: "bot" } });

    // Every open inbox follows all conversations' events: Bob's sees the assignment the moment it is made.
    const heard: { type: string; data: { agent_name?: string | null; mode?: string } }[] = [];
    const stop = new AbortController();
    const following = (async () => {
      const { followAllSessions } = await import("~/server/chat/events/follow-all");
      for await (const event of followAllSessions(deps.events, stop.signal)) {
        heard.push(event as never);
        if (event.type === "session.updated") break;
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));

    const claimed = await caller(ada.headers).admin.sessions.claim({ id: session.id });
    expect(claimed).toMatchObject({ mode: "agent", agent_name: "Ada" });
    await following;
    stop.abort();
    expect(heard.at(-1)).toMatchObject({
      type: "session.updated",
      data: { mode: "agent", agent_name: "Ada" },
    });

    const passed = await caller(ada.headers).admin.sessions.assign({ id: session.id, user_id: bob.id });
    expect(passed).toMatchObject({ mode: "agent", agent_name: "Bob" });
    // Bob may now answer it; Ada no longer may.
    await expect(
      caller(bob.headers).admin.sessions.message({ id: session.id, message: "Bob here." }),
    ).resolves.toMatchObject({
      role: "agent",
    });
    await expectTrpcError(
      caller(ada.headers).admin.sessions.message({ id: session.id, message: "Ada here." }),
      "CONFLICT",
      "SESSION_CLAIMED_BY_ANOTHER_AGENT",
    );
    // The admin passes it to themself; an agent assigns a waiting one to themself.
    await caller(admin.headers).admin.sessions.assign({ id: session.id, user_id: admin.id });
    await caller(ada.headers).admin.sessions.assign({ id: other.id, user_id: ada.id });

    const ids = async (headers: Headers, assignee?: string) =>
      (await caller(headers).admin.sessions.list({ ...(assignee && { assignee }) })).items
        .map((item) => item.id)
        .sort();
    expect(await ids(ada.headers, "me")).toEqual([other.id]);
    expect(await ids(admin.headers, "me")).toEqual([session.id]);
    expect(await ids(bob.headers, "me")).toEqual([]);
    expect(await ids(bob.headers, ada.id)).toEqual([other.id]);
    expect(await ids(bob.headers)).toEqual([session.id, other.id].sort());
    await caller(ada.headers).admin.sessions.release({ id: other.id });
    expect(await ids(bob.headers, "none")).toEqual([other.id]);

    const entries = await deps.db.auditEntry.findMany({
      where: { action: "session.assigned" },
      orderBy: { created_at: "asc" },
    });
    expect(entries.map((entry) => entry.actor_name)).toEqual([
      "ada@example.com",
      "lead@example.com",
      "ada@example.com",
    ]);

    // A disabled or unknown colleague, a closed conversation: refused.
    await caller(admin.headers).admin.users.update({ id: bob.id, disabled: true });
    await expectTrpcError(
      caller(ada.headers).admin.sessions.assign({ id: other.id, user_id: bob.id }),
      "NOT_FOUND",
      "USER_NOT_FOUND",
    );
    await expectTrpcError(
      caller(ada.headers).admin.sessions.assign({ id: other.id, user_id: "nobody" }),
      "NOT_FOUND",
      "USER_NOT_FOUND",
    );
    await caller(ada.headers).admin.sessions.close({ id: other.id });
    await expectTrpcError(
      caller(ada.headers).admin.sessions.assign({ id: other.id, user_id: ada.id }),
      "CONFLICT",
      "SESSION_CLOSED",
    );
  });
});

describe("saved replies' placeholders", () => {
  it("fills {{visitor.name}} and {{agent.name}}, with spaces in the braces, and keeps anything else", () => {
    expect(
      fillSavedReply("Hi {{visitor.name}}, {{ agent.name }} here. {{order.id}}", {
        visitorName: "Ana",
        agentName: "Bo",
      }),
    ).toBe("Hi Ana, Bo here. {{order.id}}");
  });
});

describeEachDatabase("saved replies", (database, dialect) => {
  let deps: ChatDeps;
  const ipBase = dialect === "sqlite" ? "198.51.100" : "203.0.113";
  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
  });

  it("an agent creates, lists, changes and deletes saved replies; each change is audited under their name", async () => {
    const password = "a long enough password";
    await createOrResetAdminUser(deps, { email: "sam@example.com", name: "Sam", role: "agent", password });
    const { cookie } = await signInInProcess(deps, { email: "sam@example.com", password }, `${ipBase}.50`);
    const replies = adminCaller(
      deps,
      new Headers({ cookie: cookie!, origin: ORIGIN, host: "admin.test" }),
      `${ipBase}.51`,
    ).admin.cannedResponses;
    const refund = await replies.create({
      shortcut: "refund",
      content: "Hi {{visitor.name}}, refunds take 5 days.",
    });
    await replies.create({ shortcut: "hello", content: "Hello, {{agent.name}} here." });
    expect((await replies.list()).items.map((item) => item.shortcut)).toEqual(["hello", "refund"]);
    await expectTrpcError(
      replies.create({ shortcut: "refund", content: "again" }),
      "CONFLICT",
      "CANNED_SHORTCUT_TAKEN",
    );
    await expectTrpcError(
      replies.create({ shortcut: "two words", content: "x" }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
      /shortcut may hold only letters/,
    );
    await expectTrpcError(
      replies.create({ shortcut: "empty", content: "   " }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    const changed = await replies.update({ id: refund.id, content: "Refunds take 3 days." });
    expect(changed).toMatchObject({ shortcut: "refund", content: "Refunds take 3 days." });
    await expectTrpcError(
      replies.update({ id: refund.id, shortcut: "hello" }),
      "CONFLICT",
      "CANNED_SHORTCUT_TAKEN",
    );
    await replies.delete({ id: refund.id });
    await expectTrpcError(replies.delete({ id: refund.id }), "NOT_FOUND", "CANNED_RESPONSE_NOT_FOUND");
    await expectTrpcError(
      replies.update({ id: "not-a-uuid", content: "x" }),
      "NOT_FOUND",
      "CANNED_RESPONSE_NOT_FOUND",
    );
    expect((await replies.list()).items.map((item) => item.shortcut)).toEqual(["hello"]);
    const entries = await deps.db.auditEntry.findMany({
      where: { action: { startsWith: "canned_response." } },
      orderBy: { created_at: "asc" },
    });
    expect(entries.map((entry) => [entry.action, entry.actor_name])).toEqual([
      ["canned_response.created", "sam@example.com"],
      ["canned_response.created", "sam@example.com"],
      ["canned_response.updated", "sam@example.com"],
      ["canned_response.deleted", "sam@example.com"],
    ]);
  });
});
