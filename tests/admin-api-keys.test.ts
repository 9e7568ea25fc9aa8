import { beforeAll, expect, it } from "vitest";
import { authenticateAdmin } from "~/server/admin/auth/admin-access";
import type { ChatDeps } from "~/server/chat/deps";
import { TEST_ADMIN, ensureTestAdmin, signInInProcess } from "../testing/admin";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";
import { testDeps } from "./helpers/deps";

const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";

describeEachDatabase("admin API keys", (database, dialect) => {
  let deps: ChatDeps;
  // Each dialect signs in from its own (documentation-range) client address.
  const ipBase = dialect === "sqlite" ? "198.51.100" : "203.0.113";

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
    await ensureTestAdmin(deps);
  });

  const callerWith = (headers: Headers) => adminCaller(deps, headers, `${ipBase}.99`);

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
      name: "CRM sync",
      // Keys made without scopes are admin keys, as every key was before scopes existed.
      scope: "admin",
      agentName: null,
    });
    const used = await deps.db.apiKey.findUniqueOrThrow({ where: { id: created.api_key.id } });
    expect(used.last_used_at).not.toBeNull();
    await expect(callerWith(bearer(created.key)).admin.sessions.list({})).resolves.toHaveProperty("items");

    const revoked = await admin.revoke({ id: created.api_key.id });
    expect(revoked.revoked_at).not.toBeNull();
    expect(await authenticateAdmin(deps, bearer(created.key))).toBeNull();
    // Its own 401: the key was revoked (not mistyped).
    await expectTrpcError(
      callerWith(bearer(created.key)).admin.sessions.list({}),
      "UNAUTHORIZED",
      undefined,
      /was revoked/,
    );
    // Revoking again keeps the first revocation time.
    expect((await admin.revoke({ id: created.api_key.id })).revoked_at).toBe(revoked.revoked_at);
  });

  it("refuses unknown keys, keys of the wrong shape, and an empty name", async () => {
    for (const key of ["vcak_" + "a".repeat(43), "nonsense", TEST_ADMIN_API_KEY.slice(0, -1)]) {
      expect(await authenticateAdmin(deps, bearer(key))).toBeNull();
    }
    const admin = callerWith(sessionHeaders).admin.apiKeys;
    await expectTrpcError(admin.create({ name: "   " }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectTrpcError(admin.revoke({ id: UNKNOWN_UUID }), "NOT_FOUND", "API_KEY_NOT_FOUND");
    await expectTrpcError(admin.revoke({ id: "not-a-uuid" }), "NOT_FOUND", "API_KEY_NOT_FOUND");
  });

  it("keeps the bootstrap ADMIN_API_KEY working, but only a signed-in admin manages keys", async () => {
    expect(await authenticateAdmin(deps, bearer(TEST_ADMIN_API_KEY))).toEqual({ kind: "bootstrap_key" });
    const { key } = await callerWith(sessionHeaders).admin.apiKeys.create({ name: "integration" });
    for (const headers of [bearer(TEST_ADMIN_API_KEY), bearer(key)]) {
      await expectTrpcError(
        callerWith(headers).admin.apiKeys.create({ name: "escalation" }),
        "FORBIDDEN",
        "API_KEYS_NEED_SIGN_IN",
        /signed-in admin/,
      );
    }
    await expectTrpcError(callerWith(new Headers()).admin.apiKeys.list(), "UNAUTHORIZED");
  });

  it("judges a request with a Bearer header by that key alone, even with a valid cookie", async () => {
    const headers = new Headers(sessionHeaders);
    headers.set("authorization", "Bearer wrong-key-0123456789");
    expect(await authenticateAdmin(deps, headers)).toBeNull();
  });
});
