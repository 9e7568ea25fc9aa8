/**
 * Every admin page, admin tRPC procedure and admin REST endpoint refuses callers that are not signed in, whose
 * session was signed out, or whose API key was revoked: one test per route, generated from the route lists
 * themselves (the page files, the router, the served OpenAPI document, the route files), so a new route is
 * covered the moment it exists. Over real HTTP against `next start`, on both databases.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import type { AnyProcedure } from "@trpc/server";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "~/server/admin/api-keys/api-keys.service";
import { createWebhookEndpoint } from "~/server/admin/webhooks/webhooks.service";
import { appRouter } from "~/server/api/root";
import { getOpenApiDocument } from "~/server/rest/openapi";
import { REST_ROUTES } from "~/server/rest/routes";
import { acceptInvite } from "~/server/admin/users/users.service";
import type { ProcedureMeta } from "~/server/api/trpc";
import type { ChatDeps } from "~/server/chat/deps";
import { TEST_ADMIN, ensureTestAdmin, sessionCookieOf } from "../testing/admin";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { describeEachServer } from "./helpers/server";
import { testDeps, TEST_BY } from "./helpers/deps";

/** Files under `dir` named `name`, as paths relative to `dir`. */
function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === name)
    .map((file) => file.split(path.sep).join("/"))
    .sort();
}

/** App Router file → URL pattern: route groups dropped, `[id]` kept as a placeholder. */
function urlPatternOf(base: string, file: string): string {
  const segments = path.posix
    .dirname(file)
    .split("/")
    .filter((segment) => segment !== "." && !/^\(.+\)$/.test(segment));
  return [base, ...segments].join("/");
}

const ADMIN_PAGES = findFiles("src/app/admin", "page.tsx")
  .map((file) => urlPatternOf("/admin", file))
  // Public: signing in, and the invitation link's page (its token is the credential).
  .filter((page) => page !== "/admin/sign-in" && page !== "/admin/invite/[token]");

/**
 * The pages an agent may open (the console's menu shows them the same); every other page answers an agent 403.
 * The API's side of the same rule is generated from the procedures' and routes' own `access` (below).
 */
const AGENT_PAGES = new Set([
  "/admin",
  "/admin/inbox",
  "/admin/visitors",
  "/admin/visitors/[id]",
  "/admin/sessions",
  "/admin/sessions/[id]",
  "/admin/knowledge",
  "/admin/gaps",
  "/admin/saved-replies",
  "/admin/reports",
  "/admin/profile",
]);

/** The tRPC procedures anyone may call (the visitor's widget). Every other procedure must be admin-only. */
const PUBLIC_PROCEDURES = new Set([
  "visitors.create",
  "visitors.validate",
  "visitors.erase",
  "visitors.identify",
  "sessions.create",
  "sessions.list",
  "sessions.get",
  "sessions.rename",
  "sessions.delete",
  "sessions.rating",
  "sessions.events",
  "messages.list",
  "messages.chat",
  "messages.chatStream",
  "messages.retry",
  "messages.retryStream",
  "messages.stop",
  "messages.feedback",
  "widget.config",
  "sessions.handoff",
  "sessions.handoffState",
  "sessions.typing",
  "sessions.transcript",
  "visitors.email",
  "visitors.context",
]);

const PROCEDURES = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).map(
  ([name, procedure]) => ({
    name,
    type: procedure._def.type,
    meta: procedure._def.meta as ProcedureMeta | undefined,
  }),
);
const ADMIN_PROCEDURES = PROCEDURES.filter((procedure) => !PUBLIC_PROCEDURES.has(procedure.name));

/** `METHOD /api/...` of every REST operation → whether agents may call it (the procedures' and routes' `access`). */
const AGENT_OPERATIONS = new Set([
  ...PROCEDURES.filter((procedure) => procedure.meta?.access === "agent" && procedure.meta.openapi).map(
    (procedure) => `${procedure.meta!.openapi!.method} /api${procedure.meta!.openapi!.path}/`,
  ),
  ...REST_ROUTES.filter((route) => route.access === "agent").map(
    (route) => `${route.method} /api${route.path}/`,
  ),
]);

/** Admin route files outside the REST bridge's catch-all (the export downloads). */
const ADMIN_ROUTE_FILES = findFiles("src/app/api/admin", "route.ts")
  .map((file) => urlPatternOf("/api/admin", file))
  .filter((route) => !route.includes("[[..."))
  .sort();

/** Protected operations of the OpenAPI document (built in-process here; the test checks the server serves the same). */
const PROTECTED_OPERATIONS = Object.entries(
  getOpenApiDocument().paths as Record<string, Record<string, { security?: unknown[] }>>,
).flatMap(([pattern, item]) =>
  Object.entries(item)
    .filter(([, operation]) => (operation.security?.length ?? 1) > 0)
    .map(([method]) => ({ method: method.toUpperCase(), pattern })),
);

describe("the route lists the access tests are generated from", () => {
  it("finds the admin pages", () => {
    expect(ADMIN_PAGES).toEqual(
      expect.arrayContaining([
        "/admin",
        "/admin/visitors",
        "/admin/visitors/[id]",
        "/admin/sessions",
        "/admin/sessions/[id]",
        "/admin/api-keys",
        "/admin/knowledge",
        "/admin/knowledge/new",
        "/admin/knowledge/[id]",
        "/admin/knowledge/tests",
        "/admin/gaps",
        "/admin/audit",
        "/admin/settings",
        "/admin/webhooks",
        "/admin/profile",
      ]),
    );
  });

  it("classifies every tRPC procedure: the public ones are listed by name, all others are admin", () => {
    expect(PROCEDURES.filter((procedure) => PUBLIC_PROCEDURES.has(procedure.name)).length).toBe(
      PUBLIC_PROCEDURES.size,
    );
    for (const procedure of PROCEDURES) {
      // A REST-exposed procedure's documentation must say whether it needs a key, and agree with the list.
      if (procedure.meta?.openapi)
        expect(procedure.meta.openapi.protect, procedure.name).toBe(!PUBLIC_PROCEDURES.has(procedure.name));
    }
    expect(ADMIN_PROCEDURES.map((procedure) => procedure.name)).toEqual(
      expect.arrayContaining([
        "admin.visitors.list",
        "admin.visitors.get",
        "admin.chatsVisitorsAlias.list",
        "admin.chatsVisitorsAlias.get",
        "admin.dashboard",
        "admin.reports",
        "admin.gaps",
        "admin.apiKeys.create",
        "admin.knowledge.list",
        "admin.knowledge.create",
        "admin.knowledge.update",
        "admin.knowledge.delete",
        "admin.knowledge.import",
        "admin.knowledge.runTests",
        "admin.knowledge.listSuites",
        "admin.knowledge.runSuite",
        "admin.knowledge.listSuiteRuns",
        "admin.visitors.export",
        "admin.visitors.delete",
        "admin.audit.list",
        "admin.settings.get",
        "admin.settings.update",
        "admin.webhooks.create",
        "admin.webhooks.resend",
      ]),
    );
  });

  it("finds the export route files", () => {
    expect(ADMIN_ROUTE_FILES).toEqual([
      "/api/admin/events",
      "/api/admin/exports/sessions",
      "/api/admin/exports/sessions/[id]",
      "/api/admin/knowledge/upload",
      "/api/admin/reports/csv",
      "/api/admin/sessions/[id]/attachments",
      "/api/admin/sessions/[id]/attachments/[attachment_id]",
    ]);
  });
});

describeEachServer("admin access over HTTP (next start)", (target) => {
  let checker: DocumentChecker;
  let deps: ChatDeps;
  let cookie: string;
  let signedOutCookie: string;
  let activeKey: string;
  let activeKeyId: string;
  let adminUserId: string;
  let revokedKey: string;
  let visitorId: string;
  let sessionId: string;
  let attachmentId: string;
  let articleId: string;
  let suiteId: string;
  let webhookId: string;
  let deliveryId: string;
  let agentUserId: string;
  let agentCookie: string;
  let agentKey: string;
  let readKey: string;

  async function signIn(): Promise<string> {
    const response = await fetch(`${target().baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: target().baseUrl },
      body: JSON.stringify(TEST_ADMIN),
    });
    expect(response.status).toBe(200);
    return sessionCookieOf(response);
  }

  /** A URL of the pattern with real ids (so an allowed call would succeed). */
  function concrete(pattern: string): string {
    return pattern
      .replace(/visitors\/(\[id\]|\{id\})/, `visitors/${visitorId}`)
      .replace(/sessions\/(\[id\]|\{id\})/, `sessions/${sessionId}`)
      .replace(/suites\/\{id\}/, `suites/${suiteId}`)
      .replace(/knowledge\/(\[id\]|\{id\})/, `knowledge/${articleId}`)
      .replace(/webhooks\/\{id\}/, `webhooks/${webhookId}`)
      .replace(/users\/\{id\}/, `users/${agentUserId}`)
      .replace(/canned-responses\/\{id\}/, "canned-responses/00000000-0000-4000-8000-000000000000")
      .replace("{delivery_id}", deliveryId)
      .replace(/attachments\/(\[attachment_id\]|\{attachment_id\})/, `attachments/${attachmentId}`);
  }

  /** A public (literal IP, so no DNS) endpoint URL: accepted without WEBHOOKS_ALLOW_PRIVATE. */
  const PUBLIC_HOOK = "https://93.184.215.14/hook";

  let made = 0;
  /**
   * A request an admin may make to a protected operation, with the status it answers: changes need a valid body
   * (and, with the cookie, this site's Origin); each DELETE gets an article of its own to delete.
   */
  async function adminRequest(
    method: string,
    pattern: string,
    headers: Record<string, string>,
  ): Promise<{ url: string; init: RequestInit; status: number }> {
    const sameSite: Record<string, string> = headers.cookie ? { origin: target().baseUrl } : {};
    const json = (body: unknown) => ({
      method,
      headers: { ...headers, ...sameSite, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    made += 1;
    if (method === "GET") return { url: concrete(pattern), init: { method, headers }, status: 200 };
    const inbox = /\/sessions\/\{id\}\/(claim|messages|release|close|typing)\/$/.exec(pattern)?.[1];
    if (inbox === "messages")
      return { url: concrete(pattern), init: json({ message: "Hello from an agent" }), status: 201 };
    if (inbox === "typing") return { url: concrete(pattern), init: json({ active: true }), status: 200 };
    if (inbox)
      return { url: concrete(pattern), init: { method, headers: { ...headers, ...sameSite } }, status: 200 };
    if (pattern === "/api/admin/webhooks/" && method === "POST")
      return { url: pattern, init: json({ url: PUBLIC_HOOK, events: ["visitor.created"] }), status: 201 };
    if (pattern === "/api/admin/webhooks/{id}/" && method === "DELETE") {
      const doomed = await createWebhookEndpoint(
        { db: deps.db, allowPrivate: false },
        { url: PUBLIC_HOOK, events: ["visitor.created"] },
        TEST_BY,
      );
      return {
        url: pattern.replace("{id}", doomed.id),
        init: { method, headers: { ...headers, ...sameSite } },
        status: 200,
      };
    }
    if (pattern === "/api/admin/presence/") return { url: pattern, init: json({}), status: 200 };
    // Alert emails are a signed-in admin's own: a key is admitted, then refused (no address), not a 401.
    if (pattern === "/api/admin/email/alerts/")
      return { url: pattern, init: json({ email_alerts: true }), status: headers.cookie ? 200 : 403 };
    if (pattern === "/api/admin/canned-responses/" && method === "POST")
      return {
        url: pattern,
        init: json({ shortcut: `reply-${made}`, content: "Hi {{visitor.name}}." }),
        status: 201,
      };
    if (pattern === "/api/admin/canned-responses/{id}/") {
      // Each admin changes or deletes a reply of its own.
      const reply = await deps.db.cannedResponse.create({
        data: { shortcut: `access-${made}`, content: "Text." },
      });
      const url = pattern.replace("{id}", reply.id);
      return method === "PATCH"
        ? { url, init: json({ content: "Changed." }), status: 200 }
        : { url, init: { method, headers: { ...headers, ...sameSite } }, status: 200 };
    }
    if (pattern === "/api/admin/sessions/{id}/notes/" && method === "POST")
      return { url: concrete(pattern), init: json({ content: `A note ${made}.` }), status: 201 };
    if (pattern === "/api/admin/sessions/{id}/labels/")
      return { url: concrete(pattern), init: json({ labels: ["access", `made-${made}`] }), status: 200 };
    if (pattern === "/api/admin/sessions/{id}/assign/")
      return { url: concrete(pattern), init: json({ user_id: agentUserId }), status: 200 };
    if (pattern === "/api/admin/users/" && method === "POST")
      return {
        url: pattern,
        init: json({ email: `member-${made}@example.com`, name: "Member", role: "agent" }),
        status: 201,
      };
    // The agent stays an agent (the same role again changes nothing).
    if (pattern === "/api/admin/users/{id}/")
      return { url: concrete(pattern), init: json({ role: "agent" }), status: 200 };
    // Only a signed-in admin creates keys: a bearer key is refused for that reason (403), not for its scope.
    if (pattern === "/api/admin/api-keys/")
      return {
        url: pattern,
        init: json({ name: `key ${made}`, scopes: ["read"] }),
        status: headers.cookie ? 201 : 403,
      };
    // Every setting left out goes back to its default: a valid replacement.
    if (pattern === "/api/admin/settings/" && method === "PUT")
      return { url: pattern, init: json({}), status: 200 };
    if (pattern.startsWith("/api/admin/webhooks/"))
      return { url: concrete(pattern), init: json({}), status: 200 };
    if (pattern === "/api/admin/sessions/{id}/attachments/") {
      const form = new FormData();
      form.set("file", new Blob([`Notes ${made}\n`]), `notes-${made}.txt`);
      return {
        url: concrete(pattern),
        init: { method, headers: { ...headers, ...sameSite }, body: form },
        status: 201,
      };
    }
    if (pattern === "/api/admin/knowledge/upload/") {
      const form = new FormData();
      form.set("file", new Blob([`# Access ${made}\n\nBody ${made}.`]), `access-${made}.md`);
      return {
        url: pattern,
        init: { method, headers: { ...headers, ...sameSite }, body: form },
        status: 200,
      };
    }
    if (pattern === "/api/admin/knowledge/import/")
      // Admitted, then refused for the address (private addresses are off by default): not a 401.
      return { url: pattern, init: json({ url: "http://127.0.0.1:9/help" }), status: 400 };
    // Saved answer-test suites: a new one, a rename, a run of the one made in beforeAll, a suite of its own to delete.
    if (pattern === "/api/admin/knowledge/tests/suites/" && method === "POST")
      return {
        url: pattern,
        init: json({ name: `Suite ${made}`, questions: [{ question: "hello there", expected: [] }] }),
        status: 201,
      };
    if (pattern === "/api/admin/knowledge/tests/suites/{id}/" && method === "PATCH")
      return { url: concrete(pattern), init: json({ name: "Access suite" }), status: 200 };
    if (pattern === "/api/admin/knowledge/tests/suites/{id}/runs/")
      return { url: concrete(pattern), init: { method, headers: { ...headers, ...sameSite } }, status: 201 };
    if (pattern === "/api/admin/knowledge/tests/suites/{id}/" && method === "DELETE") {
      const doomed = await deps.db.answerTestSuite.create({
        data: { name: `Doomed ${made}`, questions: [] },
      });
      return {
        url: pattern.replace("{id}", doomed.id),
        init: { method, headers: { ...headers, ...sameSite } },
        status: 200,
      };
    }
    if (pattern === "/api/admin/knowledge/tests/")
      return {
        url: pattern,
        init: json({ questions: [{ question: "hello there", expected: [] }] }),
        status: 200,
      };
    if (pattern === "/api/admin/knowledge/" && method === "POST")
      return { url: pattern, init: json({ title: `Access ${made}`, body: "Text." }), status: 201 };
    if (method === "PATCH") return { url: concrete(pattern), init: json({ published: true }), status: 200 };
    if (method === "DELETE" && pattern.includes("/visitors/{id}")) {
      // A delete succeeds once per visitor: each admin deletes a visitor of its own.
      const doomed = await deps.db.visitor.create({ data: { metadata: {} } });
      return {
        url: pattern.replace("{id}", doomed.id),
        init: { method, headers: { ...headers, ...sameSite } },
        status: 200,
      };
    }
    if (method === "DELETE") {
      const doomed = await deps.db.knowledgeArticle.create({
        data: { slug: `doomed-${made}`, title: "Doomed", body: "x", content_hash: "x" },
      });
      return {
        url: pattern.replace("{id}", doomed.id),
        init: { method, headers: { ...headers, ...sameSite } },
        status: 200,
      };
    }
    throw new Error(`no admin request known for ${method} ${pattern}: add one`);
  }

  beforeAll(async () => {
    deps = testDeps(target().database, { responder: new ScriptedResponder([]) });
    await ensureTestAdmin(deps);
    cookie = await signIn();
    signedOutCookie = await signIn();
    const signOut = await fetch(`${target().baseUrl}/api/auth/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: target().baseUrl, cookie: signedOutCookie },
      body: "{}",
    });
    expect(signOut.status).toBe(200);
    adminUserId = (await deps.db.adminUser.findFirstOrThrow()).id;
    const active = await createApiKey(deps, { name: "active" }, adminUserId, TEST_BY);
    activeKey = active.key;
    activeKeyId = active.api_key.id;
    const revoked = await createApiKey(
      deps,
      { name: "revoked" },
      (await deps.db.adminUser.findFirstOrThrow()).id,
      TEST_BY,
    );
    await revokeApiKey(deps, { id: revoked.api_key.id }, TEST_BY);
    revokedKey = revoked.key;
    const visitor = await deps.db.visitor.create({ data: { metadata: { company: "Acme, Inc." } } });
    visitorId = visitor.id;
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id, title: "Refund" } });
    sessionId = session.id;
    attachmentId = (
      await deps.db.attachment.create({
        data: {
          session_id: session.id,
          visitor_id: visitor.id,
          uploader: "visitor",
          name: "access.txt",
          content_type: "text/plain; charset=utf-8",
          size: 2,
          bytes: new TextEncoder().encode("hi"),
        },
      })
    ).id;
    articleId = (
      await deps.db.knowledgeArticle.create({
        data: { slug: "access-test", title: "Access test", body: "## Section\n\nText.", content_hash: "x" },
      })
    ).id;
    suiteId = (
      await deps.db.answerTestSuite.create({
        data: { name: "Access suite", questions: [{ question: "hello there", expected: [] }] },
      })
    ).id;
    const endpoint = await createWebhookEndpoint(
      { db: deps.db, allowPrivate: false },
      { url: PUBLIC_HOOK, events: ["visitor.created"] },
      TEST_BY,
    );
    webhookId = endpoint.id;
    const event = await deps.db.webhookEvent.create({
      data: { id: "msg_access", type: "visitor.created", payload: {}, dispatched_at: new Date() },
    });
    const delivery = await deps.db.webhookDelivery.create({
      data: {
        event_id: event.id,
        endpoint_id: endpoint.id,
        status: "failed",
        next_attempt_at: new Date(),
        retry_until: new Date(),
      },
    });
    deliveryId = delivery.id;
    // An agent, invited and signed in; keys of the agent and read scopes.
    const invited = await deps.db.adminUser.create({
      data: {
        id: "agent-user-1",
        email: "agent@example.com",
        name: "Agent A",
        role: "agent",
        emailVerified: true,
      },
    });
    agentUserId = invited.id;
    const { randomBytes, createHash } = await import("node:crypto");
    const token = randomBytes(32).toString("base64url");
    await deps.db.adminInvite.create({
      data: {
        user_id: agentUserId,
        token_hash: createHash("sha256").update(token).digest("hex"),
        expires_at: new Date(Date.now() + 60_000),
      },
    });
    await acceptInvite(deps, { token, password: "the agent's password" }, undefined);
    const agentSignIn = await fetch(`${target().baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: target().baseUrl,
        "x-forwarded-for": "198.51.100.7",
      },
      body: JSON.stringify({ email: "agent@example.com", password: "the agent's password" }),
    });
    expect(agentSignIn.status).toBe(200);
    agentCookie = sessionCookieOf(agentSignIn);
    agentKey = (await createApiKey(deps, { name: "agent", scopes: ["agent"] }, adminUserId, TEST_BY)).key;
    readKey = (await createApiKey(deps, { name: "read", scopes: ["read"] }, adminUserId, TEST_BY)).key;
    await deps.db.message.create({
      data: { session_id: session.id, role: "user", content: '=1+1, "hi"\nü' },
    });
    checker = await loadDocumentChecker(target().baseUrl);
  });

  const DENIED: [label: string, headers: () => Record<string, string>][] = [
    ["unauthenticated", () => ({})],
    ["a signed-out session", () => ({ cookie: signedOutCookie })],
    ["a revoked API key", () => ({ authorization: `Bearer ${revokedKey}` })],
    ["a wrong key", () => ({ authorization: `Bearer ${TEST_ADMIN_API_KEY}x` })],
  ];

  describe("admin pages", () => {
    for (const page of ADMIN_PAGES) {
      it(`${page} sends anyone not signed in (or only holding a key) to sign-in, and shows the page when signed in`, async () => {
        const url = `${target().baseUrl}${concrete(page)}`;
        const denied: [string, Record<string, string>][] = [
          ...DENIED.map(([label, headers]) => [label, headers()] as [string, Record<string, string>]),
          ["an active API key (pages are for people)", { authorization: `Bearer ${activeKey}` }],
        ];
        for (const [label, headers] of denied) {
          const response = await fetch(url, { headers, redirect: "manual" });
          expect(response.status, `${page} with ${label}`).toBe(307);
          expect(response.headers.get("location"), label).toBe(
            `/admin/sign-in?next=${encodeURIComponent(concrete(page))}`,
          );
        }
        const allowed = await fetch(url, { headers: { cookie }, redirect: "manual" });
        expect(allowed.status).toBe(200);
        expect(await allowed.text()).toContain(TEST_ADMIN.email);
        const asAgent = await fetch(url, { headers: { cookie: agentCookie }, redirect: "manual" });
        expect(asAgent.status, `${page} as an agent`).toBe(AGENT_PAGES.has(page) ? 200 : 403);
        const html = await asAgent.text();
        // Hidden, not only refused: the agent's menu links no admin-only page.
        if (AGENT_PAGES.has(page))
          for (const hidden of [
            "/admin/settings",
            "/admin/api-keys",
            "/admin/webhooks",
            "/admin/audit",
            "/admin/team",
          ])
            expect(html, `${page} as an agent links ${hidden}`).not.toContain(`href="${hidden}"`);
      });
    }

    it("the sign-in page is public and never redirects elsewhere than admin paths", async () => {
      const page = await fetch(`${target().baseUrl}/admin/sign-in?next=https://evil.example/`, {
        redirect: "manual",
      });
      expect(page.status).toBe(200);
      const signedIn = await fetch(`${target().baseUrl}/admin/sign-in?next=//evil.example`, {
        headers: { cookie },
        redirect: "manual",
      });
      expect(signedIn.status).toBe(307);
      expect(signedIn.headers.get("location")).toBe("/admin");
    });
  });

  describe("admin tRPC procedures", () => {
    for (const procedure of ADMIN_PROCEDURES) {
      it(`${procedure.name} (${procedure.type}) answers 401 to callers who are not admins`, async () => {
        for (const [label, headers] of DENIED) {
          const url = `${target().baseUrl}/api/trpc/${procedure.name}`;
          const response =
            procedure.type === "query" || procedure.type === "subscription"
              ? await fetch(`${url}?input=${encodeURIComponent("{}")}`, { headers: headers() })
              : await fetch(url, {
                  method: "POST",
                  headers: { ...headers(), "content-type": "application/json" },
                  body: "{}",
                });
          expect(response.status, `${procedure.name} with ${label}`).toBe(401);
        }
      });
    }

    for (const procedure of ADMIN_PROCEDURES.filter((procedure) => procedure.meta?.access !== "agent")) {
      it(`${procedure.name} (${procedure.type}) answers 403 to an agent's cookie and to agent and read keys`, async () => {
        const agents: [string, Record<string, string>][] = [
          ["an agent's cookie", { cookie: agentCookie, origin: target().baseUrl }],
          ["an agent key", { authorization: `Bearer ${agentKey}` }],
          ["a read key", { authorization: `Bearer ${readKey}` }],
        ];
        for (const [label, headers] of agents) {
          const url = `${target().baseUrl}/api/trpc/${procedure.name}`;
          const response =
            procedure.type === "query" || procedure.type === "subscription"
              ? await fetch(`${url}?input=${encodeURIComponent("{}")}`, { headers })
              : await fetch(url, {
                  method: "POST",
                  headers: { ...headers, "content-type": "application/json" },
                  body: "{}",
                });
          // Key management says why a key cannot (API_KEYS_NEED_SIGN_IN): also a 403.
          expect(response.status, `${procedure.name} with ${label}`).toBe(403);
        }
      });
    }
  });

  describe("admin REST endpoints", () => {
    it("documents every admin route file; the served document protects the same operations", () => {
      const served = Object.entries(
        checker.document.paths as Record<string, Record<string, { security?: unknown[] }>>,
      ).flatMap(([pattern, item]) =>
        Object.entries(item)
          .filter(([, operation]) => (operation.security?.length ?? 1) > 0)
          .map(([method]) => ({ method: method.toUpperCase(), pattern })),
      );
      expect(served).toEqual(PROTECTED_OPERATIONS);
      const documented = served.map((operation) => operation.pattern);
      for (const route of ADMIN_ROUTE_FILES)
        expect(documented).toContain(`${route.replace(/\[(\w+)\]/g, "{$1}")}/`);
      expect(documented).toEqual(
        expect.arrayContaining([
          "/api/chats/visitors/",
          "/api/chats/visitors/{id}/",
          "/api/admin/visitors/",
          "/api/admin/visitors/{id}/",
          "/api/admin/sessions/",
          "/api/admin/sessions/{id}/",
          "/api/admin/dashboard/",
          "/api/admin/reports/",
          "/api/admin/reports/csv/",
          "/api/admin/gaps/",
          "/api/admin/exports/sessions/",
          "/api/admin/exports/sessions/{id}/",
          "/api/admin/visitors/{id}/export/",
          "/api/admin/audit/",
          "/api/admin/webhooks/",
          "/api/admin/webhooks/{id}/",
          "/api/admin/webhooks/{id}/deliveries/{delivery_id}/resend/",
        ]),
      );
    });

    for (const { method, pattern } of PROTECTED_OPERATIONS) {
      it(`${method} ${pattern} refuses non-admins with the 401 envelope and serves admins`, async () => {
        const url = concrete(pattern);
        for (const [label, headers] of DENIED) {
          const response = await fetch(`${target().baseUrl}${url}`, { method, headers: headers() });
          const body = (await response.json()) as { code: string; success: boolean };
          expect(response.status, `${method} ${url} with ${label}`).toBe(401);
          expect(body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
          checker.expectDeclared(method, url, 401, body);
        }
        const agentMay = AGENT_OPERATIONS.has(`${method} ${pattern}`);
        const agents: [string, Record<string, string>, boolean][] = [
          ["an agent's cookie", { cookie: agentCookie, origin: target().baseUrl }, agentMay],
          ["an agent key", { authorization: `Bearer ${agentKey}` }, agentMay],
          ["a read key", { authorization: `Bearer ${readKey}` }, agentMay && method === "GET"],
        ];
        for (const [label, headers, may] of agents) {
          if (may) {
            // Reads an agent may make answer them (changes are exercised by the inbox's own suites).
            if (method !== "GET") continue;
            const response = await fetch(`${target().baseUrl}${url}`, { headers });
            expect(response.status, `${method} ${url} with ${label}`).toBe(200);
            await response.body?.cancel();
            continue;
          }
          const response = await fetch(`${target().baseUrl}${url}`, { method, headers });
          const body = (await response.json()) as { code: string; success: boolean };
          expect(response.status, `${method} ${url} with ${label}`).toBe(403);
          if (pattern !== "/api/admin/api-keys/") {
            expect(body).toMatchObject({ success: false, code: "ADMIN_ONLY" });
            checker.expectDeclared(method, url, 403, body);
          }
        }
        const admins: [agentId: () => string, headers: Record<string, string>][] = [
          [() => `api_key:${activeKeyId}`, { authorization: `Bearer ${activeKey}` }],
          [() => "bootstrap_key", { authorization: `Bearer ${TEST_ADMIN_API_KEY}` }],
          // A change made with the cookie comes from the app's own pages (same origin).
          [() => adminUserId, { cookie, origin: target().baseUrl }],
        ];
        const inboxAction = /\/sessions\/\{id\}\/(claim|messages|release|close|typing|assign)\/$/.exec(
          pattern,
        )?.[1];
        for (const [agentId, headers] of admins) {
          // Each admin acts on the session as a fresh agent: claimed by them where the action needs it.
          if (inboxAction) {
            const claimed = inboxAction === "messages" || inboxAction === "typing";
            await deps.db.session.update({
              where: { id: sessionId },
              data: claimed
                ? { mode: "agent", agent_id: agentId(), agent_name: "Agent" }
                : { mode: "waiting", agent_id: null, agent_name: null },
            });
          }
          const request = await adminRequest(method, pattern, headers);
          const response = await fetch(`${target().baseUrl}${request.url}`, request.init);
          expect(response.status, `${method} ${request.url} as an admin`).toBe(request.status);
          if (pattern === "/api/admin/events/") {
            // The SSE stream of every conversation: it opens (and would go on forever).
            expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
            await response.body?.cancel();
            continue;
          }
          // Envelope responses must match the document (the exports, the attachment downloads and the report's CSV are files).
          if (
            !pattern.includes("/exports/") &&
            !pattern.endsWith("/reports/csv/") &&
            !(method === "GET" && pattern.includes("{attachment_id}"))
          )
            checker.expectDeclared(method, request.url, request.status, await response.json());
        }
        if (inboxAction) {
          // Leave the session as the other tests expect it: with the bot, its one visitor message.
          await deps.db.message.deleteMany({ where: { session_id: sessionId, role: "agent" } });
        }
      });
    }
  });

  describe("API keys over HTTP", () => {
    it("a key created on the admin page works on the REST API until it is revoked", async () => {
      const trpc = (name: string, input: unknown) =>
        fetch(`${target().baseUrl}/api/trpc/${name}`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json", origin: target().baseUrl },
          body: JSON.stringify(input),
        });
      const created = (await (await trpc("admin.apiKeys.create", { name: "Zapier" })).json()) as {
        result: { data: { key: string; api_key: { id: string } } };
      };
      const { key, api_key } = created.result.data;
      const auth = { authorization: `Bearer ${key}` };

      const list = await fetch(`${target().baseUrl}/api/chats/visitors/?search=acme`, { headers: auth });
      expect(list.status).toBe(200);
      const listed = (await list.json()) as { data: { items: { id: string }[] } };
      checker.expectDeclared("GET", "/api/chats/visitors/?search=acme", 200, listed);
      expect(listed.data.items.map((item) => item.id)).toEqual([visitorId]);
      const stored = await deps.db.apiKey.findUniqueOrThrow({ where: { id: api_key.id } });
      expect(stored.last_used_at).not.toBeNull();

      const csv = await fetch(`${target().baseUrl}/api/admin/exports/sessions/${sessionId}/?format=csv`, {
        headers: auth,
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(csv.headers.get("content-disposition")).toBe(
        `attachment; filename="transcript-${sessionId}.csv"`,
      );
      const bytes = new Uint8Array(await csv.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parse(new TextDecoder().decode(bytes), { bom: true, columns: true }) as Record<
        string,
        string
      >[];
      // (The inbox actions above left their visible steps, role system, in this conversation.)
      expect(rows.filter((row) => row.role !== "system").map((row) => row.content)).toEqual([
        '\'=1+1, "hi"\nü',
      ]);

      const bulk = await fetch(`${target().baseUrl}/api/admin/exports/sessions/?format=json`, {
        headers: auth,
      });
      expect(((await bulk.json()) as { sessions: unknown[] }).sessions).toHaveLength(1);

      expect((await trpc("admin.apiKeys.revoke", { id: api_key.id })).status).toBe(200);
      const afterRevoke = await fetch(`${target().baseUrl}/api/chats/visitors/`, { headers: auth });
      expect(afterRevoke.status).toBe(401);
    });

    it("exports refuse bad input with a clear 4xx", async () => {
      const headers = { authorization: `Bearer ${activeKey}` };
      const cases: [string, number, string][] = [
        ["/api/admin/exports/sessions/?format=xlsx", 400, "VALIDATION_FAILED"],
        ["/api/admin/exports/sessions/?from=2024-02-30", 400, "VALIDATION_FAILED"],
        ["/api/admin/exports/sessions/?from=2024-03-02&to=2024-03-01", 400, "INVALID_DATE_RANGE"],
        ["/api/admin/exports/sessions/00000000-0000-4000-8000-000000000000/", 404, "SESSION_NOT_FOUND"],
        ["/api/admin/exports/sessions/not-an-id/?format=json", 404, "SESSION_NOT_FOUND"],
        ["/api/admin/sessions/?status=nope", 400, "VALIDATION_FAILED"],
      ];
      for (const [url, status, code] of cases) {
        const response = await fetch(`${target().baseUrl}${url}`, { headers });
        const body = (await response.json()) as { code: string };
        expect([url, response.status, body.code]).toEqual([url, status, code]);
        checker.expectDeclared("GET", url, status, body);
      }
    });

    it("signing in is rate-limited per client address over HTTP, whatever X-Forwarded-For says", async () => {
      const attempt = (password: string, ip: string) =>
        fetch(`${target().baseUrl}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: target().baseUrl, "x-forwarded-for": ip },
          body: JSON.stringify({ email: "nobody-here@example.com", password }),
        });
      const statuses: number[] = [];
      for (let index = 0; index < 6; index += 1)
        statuses.push((await attempt("wrong", `198.51.100.${index}`)).status);
      // Without TRUSTED_PROXIES the forged header is ignored: all come from 127.0.0.1, which has 5 a minute
      // (the two sign-ins of beforeAll may have used some of them).
      expect(statuses[0]).toBe(401);
      expect(statuses.at(-1)).toBe(429);
    });
  });
});
