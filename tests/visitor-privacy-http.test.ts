/**
 * The privacy routes over real HTTP (next start), on both databases, checked against the served OpenAPI document:
 * a visitor's self-erasure by REST, identify with a right and a wrong hash, IDENTITY_REQUIRED, and the audit
 * entries of the export files (REST-only routes) and of sign-in over HTTP, read back from GET /api/admin/audit/.
 */
import { createHmac } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import type { ChatDeps } from "~/server/chat/deps";
import { TEST_ADMIN, ensureTestAdmin } from "../testing/admin";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";
import { testDeps } from "./helpers/deps";

const SECRET = "http identity secret 0123456789";
const hashOf = (userId: string) => createHmac("sha256", SECRET).update(userId).digest("hex");

describeEachServer(
  "privacy routes over HTTP",
  (target) => {
    let checker: DocumentChecker;
    let deps: ChatDeps;
    const admin = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };

    async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${target().baseUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as {
        success: boolean;
        code?: string;
        data?: Record<string, unknown>;
      };
      checker.expectDeclared(method, path.split("?")[0]!, response.status, json);
      return { status: response.status, json };
    }

    beforeAll(async () => {
      checker = await loadDocumentChecker(target().baseUrl);
      deps = testDeps(target().database, { responder: new ScriptedResponder([]) });
      await ensureTestAdmin(deps);
    });

    it("a visitor erases itself by REST; another visitor_id is refused; afterwards it is a 404", async () => {
      const me = (await call("POST", "/api/chats/visitors/", {})).json.data!.id as string;
      const other = (await call("POST", "/api/chats/visitors/", {})).json.data!.id as string;
      // IDENTITY_REQUIRED here: an unidentified visitor writes nothing, not even a session (it may erase itself).
      const noSession = await call("POST", "/api/chats/sessions/", { visitor_id: me });
      expect([noSession.status, noSession.json.code]).toEqual([403, "IDENTITY_REQUIRED"]);

      const refused = await call("DELETE", `/api/chats/visitors/${me}/?visitor_id=${other}`);
      expect([refused.status, refused.json.code]).toEqual([403, "VISITOR_ID_MISMATCH"]);
      const erased = await call("DELETE", `/api/chats/visitors/${me}/?visitor_id=${me}`);
      expect(erased.status).toBe(200);
      expect(erased.json.data).toEqual({ id: me, deleted: true, sessions: 0, messages: 0 });
      const gone = await call("GET", `/api/chats/visitors/${me}/validate/`);
      expect([gone.status, gone.json.code]).toEqual([404, "VISITOR_NOT_FOUND"]);
      const adminGone = await call("GET", `/api/admin/visitors/${me}/export/`, undefined, admin);
      expect(adminGone.status).toBe(404);
      expect((await call("GET", `/api/chats/visitors/${other}/validate/`)).status).toBe(200);
    });

    it("identify: a wrong hash is a 401 envelope, a right one links; unidentified visitors cannot send", async () => {
      const visitor = (await call("POST", "/api/chats/visitors/", {})).json.data!.id as string;
      // Unidentified: no session can be started (IDENTITY_REQUIRED covers every write), so nothing can be sent.
      const refused = await call("POST", "/api/chats/sessions/", { visitor_id: visitor });
      expect([refused.status, refused.json.code]).toEqual([403, "IDENTITY_REQUIRED"]);

      const wrong = await call("POST", `/api/chats/visitors/${visitor}/identify/`, {
        user_id: "u-1",
        user_hash: hashOf("u-2"),
      });
      expect([wrong.status, wrong.json.code]).toEqual([401, "IDENTITY_HASH_INVALID"]);
      const right = await call("POST", `/api/chats/visitors/${visitor}/identify/`, {
        user_id: "u-1",
        user_hash: hashOf("u-1"),
        email: "u1@example.com",
      });
      expect(right.status).toBe(200);
      expect(right.json.data).toMatchObject({
        visitor_id: visitor,
        identified: true,
        visitor: { user_id: "u-1" },
      });
      const invalid = await call("POST", `/api/chats/visitors/${visitor}/identify/`, {
        user_hash: hashOf("u-1"),
      });
      expect([invalid.status, invalid.json.code]).toEqual([400, "VALIDATION_FAILED"]);
    });

    it("the export files and sign-in over HTTP are in the audit log, read with GET /api/admin/audit/", async () => {
      const csv = await fetch(`${target().baseUrl}/api/admin/exports/sessions/?format=csv&from=2026-01-01`, {
        headers: admin,
      });
      expect(csv.status).toBe(200);
      await csv.arrayBuffer();
      const signIn = await fetch(`${target().baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: target().baseUrl },
        body: JSON.stringify(TEST_ADMIN),
      });
      expect(signIn.status).toBe(200);

      const exports = await call("GET", "/api/admin/audit/?action=sessions.exported", undefined, admin);
      expect(exports.status).toBe(200);
      expect((exports.json.data!.items as unknown[])[0]).toMatchObject({
        actor_kind: "api_key",
        actor_name: "ADMIN_API_KEY",
        action: "sessions.exported",
        detail: { format: "csv", from: "2026-01-01", to: null },
        client_address: "127.0.0.1",
      });
      const signIns = await call(
        "GET",
        `/api/admin/audit/?action=sign_in.succeeded&actor=${TEST_ADMIN.email}`,
        undefined,
        admin,
      );
      expect((signIns.json.data!.items as unknown[]).length).toBeGreaterThan(0);
      const bad = await call("GET", "/api/admin/audit/?action=nope", undefined, admin);
      expect([bad.status, bad.json.code]).toEqual([400, "VALIDATION_FAILED"]);
      // The log cannot be changed over the API.
      for (const method of ["POST", "PATCH", "DELETE"]) {
        const response = await fetch(`${target().baseUrl}/api/admin/audit/`, { method, headers: admin });
        expect(response.status, method).toBeGreaterThanOrEqual(400);
        expect(response.status, method).toBeLessThan(500);
      }
    });
  },
  { env: () => ({ IDENTITY_SECRET: SECRET, IDENTITY_REQUIRED: "true" }) },
);
