/**
 * The audit log is written in the transaction of the change it records (issue 21), on both databases: every
 * audited action leaves exactly one entry, with who did it and from where; a change that is refused or fails
 * leaves none; and when the entry cannot be written the change is not stored either. Every action of
 * AUDIT_ACTIONS is produced by one of the paths below (the table at the end checks it).
 */
import { testDeps } from "./helpers/deps";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { acceptInvite } from "~/server/admin/users/users.service";
import { AUDIT_ACTION_NAMES, type AuditAction, type AuditBy } from "~/server/chat/audit/audit-record";
import type { ChatDeps } from "~/server/chat/deps";
import { exportSessions, exportTranscript } from "~/server/admin/exports/exports.service";
import { importUploadedFile } from "~/server/admin/knowledge/knowledge-import";
import { updateKnowledgeArticle } from "~/server/admin/knowledge/knowledge.service";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  resendWebhookDelivery,
  updateWebhookEndpoint,
  type WebhookAdminDeps,
} from "~/server/admin/webhooks/webhooks.service";
import { TEST_ADMIN, ensureTestAdmin, signInInProcess } from "../testing/admin";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";

const IP = "198.51.100.77";
/** A name an audit entry is refused under (a trigger on audit_log), to make the entry's insert fail. */
const REFUSED_ACTOR = "refused-by-trigger";

describeEachDatabase("the audit log, written in the change's transaction", (database, dialect) => {
  let deps: ChatDeps;
  let cookieHeaders: Headers;
  /** The actions this file's tests produced, checked against AUDIT_ACTIONS at the end. */
  const seen = new Set<AuditAction>();
  const by: AuditBy = { actor: { kind: "api_key", id: null, name: "ADMIN_API_KEY" }, clientAddress: IP };
  const webhookAdmin = (): WebhookAdminDeps => ({ db: deps.db, allowPrivate: true });
  const admin = () => adminCaller(deps, bearer(TEST_ADMIN_API_KEY), IP).admin;

  const count = (action: AuditAction) => deps.db.auditEntry.count({ where: { action } });

  /** Runs `change` and expects exactly one new entry of `action` (by whom, from where), answering it. */
  async function expectOneEntry(
    action: AuditAction,
    change: () => Promise<unknown>,
    actorName = "ADMIN_API_KEY",
  ) {
    const before = await deps.db.auditEntry.findMany({ where: { action }, select: { id: true } });
    await change();
    const entries = await deps.db.auditEntry.findMany({
      where: { action, id: { notIn: before.map((entry) => entry.id) } },
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_name: actorName, client_address: IP });
    seen.add(action);
    return entries[0]!;
  }

  /** Runs a change that must fail and expects no new entry of `action`. */
  async function expectNoEntry(action: AuditAction, change: () => Promise<unknown>, code: string) {
    const before = await count(action);
    await expect(change()).rejects.toMatchObject({ code });
    expect(await count(action)).toBe(before);
  }

  async function seedSession(mode: "waiting" | "bot" = "waiting") {
    const visitor = await deps.db.visitor.create({ data: { metadata: {} } });
    const session = await deps.db.session.create({ data: { visitor_id: visitor.id, mode } });
    await deps.db.message.create({ data: { session_id: session.id, role: "user", content: "hello" } });
    return { visitor, session };
  }

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
    await ensureTestAdmin(deps);
    const signedIn = await signInInProcess(deps, TEST_ADMIN, IP);
    cookieHeaders = new Headers({ cookie: signedIn.cookie!, "x-forwarded-for": IP });
    if (dialect === "sqlite") {
      await deps.db.$executeRawUnsafe(
        `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN NEW.actor_name = '${REFUSED_ACTOR}'
         BEGIN SELECT RAISE(ABORT, 'audit entry refused'); END`,
      );
    } else {
      await deps.db.$executeRawUnsafe(
        `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.actor_name = '${REFUSED_ACTOR}' THEN RAISE EXCEPTION 'audit entry refused'; END IF;
         RETURN NEW; END $$`,
      );
      await deps.db.$executeRawUnsafe(
        `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`,
      );
    }
  });

  afterAll(async () => {
    await deps.db.$executeRawUnsafe(
      "DROP TRIGGER IF EXISTS refuse_audit" + (dialect === "sqlite" ? "" : " ON audit_log"),
    );
  });

  describe("every audited action leaves exactly one entry", () => {
    it("sign-in, success and failure", async () => {
      await expectOneEntry(
        "sign_in.succeeded",
        () => signInInProcess(deps, TEST_ADMIN, IP),
        TEST_ADMIN.email,
      );
      await expectOneEntry(
        "sign_in.failed",
        () => signInInProcess(deps, { email: TEST_ADMIN.email, password: "wrong password!!" }, IP),
        TEST_ADMIN.email,
      );
    });

    it("exports (no row changes: the export service records the entry)", async () => {
      const { visitor, session } = await seedSession();
      const entry = await expectOneEntry("visitor.exported", () =>
        admin().visitors.export({ id: visitor.id }),
      );
      expect(entry).toMatchObject({ object_type: "visitor", object_id: visitor.id });
      expect(entry.detail).toEqual({ sessions: 1, messages: 1 });
      await expectOneEntry("transcript.exported", () =>
        exportTranscript(deps, { id: session.id, format: "csv" }, by),
      );
      await expectOneEntry("sessions.exported", () => exportSessions(deps, { format: "json" }, by));
      // An unknown session is not an export.
      await expectNoEntry(
        "transcript.exported",
        () => exportTranscript(deps, { id: randomUUID(), format: "csv" }, by),
        "SESSION_NOT_FOUND",
      );
    });

    it("visitor erasure", async () => {
      const { visitor } = await seedSession();
      const entry = await expectOneEntry("visitor.deleted", () =>
        admin().visitors.delete({ id: visitor.id }),
      );
      expect(entry).toMatchObject({ object_id: visitor.id });
      expect(entry.detail).toEqual({ sessions: 1, messages: 1 });
      await expectNoEntry("visitor.deleted", () => admin().visitors.delete({ id: visitor.id }), "NOT_FOUND");
    });

    it("API keys created and revoked (revoking again changes and records nothing)", async () => {
      const keys = adminCaller(deps, cookieHeaders, IP).admin.apiKeys;
      let id = "";
      const created = await expectOneEntry(
        "api_key.created",
        async () => (id = (await keys.create({ name: "Audit key" })).api_key.id),
        TEST_ADMIN.email,
      );
      expect(created).toMatchObject({ object_id: id, actor_kind: "admin_user" });
      await expectOneEntry("api_key.revoked", () => keys.revoke({ id }), TEST_ADMIN.email);
      const before = await count("api_key.revoked");
      await keys.revoke({ id });
      expect(await count("api_key.revoked")).toBe(before);
    });

    it("settings, with the names of the settings changed (not their values)", async () => {
      const entry = await expectOneEntry("settings.changed", () =>
        admin().settings.update({ title: "Secret title", accent: "#112233" }),
      );
      expect(entry.detail).toMatchObject({ fields: expect.stringContaining("title") });
      expect(JSON.stringify(entry)).not.toContain("Secret title");
    });

    it("agent actions: claim, message, release, close", async () => {
      const { session } = await seedSession();
      await expectOneEntry("session.claimed", () => admin().sessions.claim({ id: session.id }));
      const sent = await expectOneEntry("agent_message.sent", () =>
        admin().sessions.message({ id: session.id, message: "A private answer" }),
      );
      expect(JSON.stringify(sent)).not.toContain("private");
      await expectOneEntry("session.released", () => admin().sessions.release({ id: session.id }));
      await expectOneEntry("session.closed", () => admin().sessions.close({ id: session.id }));
      // Closing a closed conversation changes (and records) nothing.
      const before = await count("session.closed");
      await admin().sessions.close({ id: session.id });
      expect(await count("session.closed")).toBe(before);
    });

    it("webhook endpoints: create, update, resend, delete", async () => {
      let id = "";
      await expectOneEntry("webhook.created", async () => {
        id = (
          await createWebhookEndpoint(
            webhookAdmin(),
            { url: "http://127.0.0.1:9/hook", events: ["message.created"] },
            by,
          )
        ).id;
      });
      const updated = await expectOneEntry("webhook.updated", () =>
        updateWebhookEndpoint(webhookAdmin(), { id, enabled: false }, by),
      );
      expect(updated.detail).toMatchObject({ fields: "enabled", enabled: false });
      await updateWebhookEndpoint(webhookAdmin(), { id, enabled: true }, by);
      const eventId = `msg_${randomUUID()}`;
      await deps.db.webhookEvent.create({ data: { id: eventId, type: "message.created", payload: {} } });
      const delivery = await deps.db.webhookDelivery.create({
        data: { event_id: eventId, endpoint_id: id, next_attempt_at: new Date(), retry_until: new Date() },
      });
      const resent = await expectOneEntry("webhook.resent", () =>
        resendWebhookDelivery(webhookAdmin(), { id, delivery_id: delivery.id }, by),
      );
      expect(resent).toMatchObject({ object_type: "webhook_delivery", object_id: delivery.id });
      await expectOneEntry("webhook.deleted", () => deleteWebhookEndpoint(webhookAdmin(), { id }, by));
    });

    it("knowledge articles: create, update, publish, delete, import", async () => {
      const knowledge = admin().knowledge;
      let id = "";
      await expectOneEntry("knowledge.created", async () => {
        id = (
          await knowledge.create({ title: "Returns", body: "Send it back within 30 days.", published: false })
        ).id;
      });
      const edited = await expectOneEntry("knowledge.updated", () =>
        knowledge.update({ id, body: "Within 60 days." }),
      );
      expect(edited.detail).toMatchObject({ fields: "body" });
      expect(JSON.stringify(edited)).not.toContain("60 days");
      const published = await expectOneEntry("knowledge.updated", () =>
        knowledge.update({ id, published: true }),
      );
      expect(published.detail).toMatchObject({ fields: "published", published: true });
      await expectOneEntry("knowledge.deleted", () => knowledge.delete({ id }));
      const imported = await expectOneEntry("knowledge.imported", () =>
        importUploadedFile(
          deps,
          {
            name: `faq-${dialect}.md`,
            bytes: new TextEncoder().encode("# FAQ\n\nAnswers."),
            published: true,
          },
          { maxBytes: 100_000 },
          by,
        ),
      );
      expect(imported.detail).toMatchObject({ source: "upload", created: 1, updated: 0 });

      // Saved answer-test suites: the counts, never the questions.
      const suites = admin().knowledge;
      const made = await expectOneEntry("knowledge.suite_created", () =>
        suites.createSuite({ name: `Suite ${dialect}`, questions: [{ question: "secret question text" }] }),
      );
      expect(made.detail).toEqual({ questions: 1 });
      expect(JSON.stringify(made)).not.toContain("secret question");
      const suiteId = made.object_id!;
      const changed = await expectOneEntry("knowledge.suite_updated", () =>
        suites.updateSuite({ id: suiteId, name: "Renamed", add_questions: [{ question: "another one" }] }),
      );
      expect(changed.detail).toEqual({ renamed: true, questions: 2 });
      await expectOneEntry("knowledge.suite_deleted", () => suites.deleteSuite({ id: suiteId }));
    });

    it("alert emails: a signed-in admin turns theirs off (an API key cannot, and leaves no entry)", async () => {
      const signedIn = adminCaller(deps, cookieHeaders, IP).admin.email;
      const entry = await expectOneEntry(
        "email_alerts.changed",
        () => signedIn.setAlerts({ email_alerts: false }),
        TEST_ADMIN.email,
      );
      expect(entry).toMatchObject({ object_type: "admin_user", detail: { on: false } });
      expect((await signedIn.status()).email_alerts).toBe(false);
      await expectNoEntry(
        "email_alerts.changed",
        () => admin().email.setAlerts({ email_alerts: true }),
        "FORBIDDEN",
      );
    });
  });

  describe("a change that is refused or fails leaves no entry", () => {
    it("a webhook update with a URL that is not allowed", async () => {
      const endpoint = await createWebhookEndpoint(
        webhookAdmin(),
        { url: "http://127.0.0.1:9/a", events: ["message.created"] },
        by,
      );
      await expectNoEntry(
        "webhook.updated",
        () =>
          updateWebhookEndpoint(
            { ...webhookAdmin(), allowPrivate: false },
            { id: endpoint.id, url: "http://127.0.0.1:9/b" },
            by,
          ),
        "WEBHOOK_URL_NOT_ALLOWED",
      );
      await expectNoEntry(
        "webhook.deleted",
        () => deleteWebhookEndpoint(webhookAdmin(), { id: randomUUID() }, by),
        "WEBHOOK_NOT_FOUND",
      );
    });

    it("a claim refused by the rules", async () => {
      const { session } = await seedSession();
      const other = await adminCaller(deps, cookieHeaders, IP).admin.apiKeys.create({ name: "Other agent" });
      await admin().sessions.claim({ id: session.id });
      await expectTrpcError(
        adminCaller(deps, bearer(other.key), IP).admin.sessions.claim({ id: session.id }),
        "CONFLICT",
        "SESSION_CLAIMED_BY_ANOTHER_AGENT",
      );
      expect(
        await deps.db.auditEntry.count({ where: { action: "session.claimed", object_id: session.id } }),
      ).toBe(1);
      expect(await deps.db.auditEntry.count({ where: { actor_id: other.api_key.id } })).toBe(0);
    });

    it("a knowledge update of a missing article", async () => {
      await expectNoEntry(
        "knowledge.updated",
        () => updateKnowledgeArticle(deps, { id: randomUUID(), title: "Nothing" }, by),
        "KNOWLEDGE_ARTICLE_NOT_FOUND",
      );
    });

    it("a write that fails inside the transaction (a slug taken meanwhile): no entry", async () => {
      const knowledge = admin().knowledge;
      const first = await knowledge.create({ title: "First", body: "One.", published: true });
      const second = await knowledge.create({ title: "Second", body: "Two.", published: true });
      await expectNoEntry(
        "knowledge.updated",
        () => updateKnowledgeArticle(deps, { id: second.id, slug: first.slug }, by),
        "KNOWLEDGE_SLUG_TAKEN",
      );
    });

    it("an entry that cannot be written rolls its change back", async () => {
      const refused: AuditBy = {
        actor: { kind: "api_key", id: null, name: REFUSED_ACTOR },
        clientAddress: IP,
      };
      // A batch (commitChange): the endpoint is not created.
      const endpoints = await deps.db.webhookEndpoint.count();
      await expect(
        createWebhookEndpoint(
          webhookAdmin(),
          { url: "http://127.0.0.1:9/c", events: ["message.created"] },
          refused,
        ),
      ).rejects.toThrow();
      expect(await deps.db.webhookEndpoint.count()).toBe(endpoints);
      // An interactive transaction (commitInTransaction): the claim is not stored.
      const { session } = await seedSession();
      const { claimSession } = await import("~/server/chat/handoff/handoff.service");
      await expect(claimSession(deps, session.id, { id: "agent-x", name: "X" }, refused)).rejects.toThrow();
      expect(await deps.db.session.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
        mode: "waiting",
        agent_id: null,
      });
      expect(await deps.db.auditEntry.count({ where: { actor_name: REFUSED_ACTOR } })).toBe(0);
    });
  });

  it("the team's changes (users, assignment, saved replies) are audited in their transaction; a refused one is not", async () => {
    const created = await expectOneEntry("user.invited", () =>
      admin().users.create({ email: `audited-${dialect}@example.com`, name: "Audited", role: "agent" }),
    );
    const userId = created.object_id!;
    const invite = await deps.db.adminInvite.findFirstOrThrow({ where: { user_id: userId } });
    // The link's token is not stored: accept through a fresh invitation of the same user.
    const token = "audited-token-" + dialect;
    const { createHash } = await import("node:crypto");
    await deps.db.adminInvite.update({
      where: { id: invite.id },
      data: { token_hash: createHash("sha256").update(token).digest("hex") },
    });
    await expectOneEntry(
      "user.invite_accepted",
      () => acceptInvite(deps, { token, password: "a long enough password" }, IP),
      `audited-${dialect}@example.com`,
    );
    await expectOneEntry("user.role_changed", () => admin().users.update({ id: userId, role: "admin" }));
    await expectOneEntry("user.capacity_changed", () => admin().users.update({ id: userId, capacity: 4 }));
    await expectOneEntry("user.disabled", () => admin().users.update({ id: userId, disabled: true }));
    await expectOneEntry("user.enabled", () => admin().users.update({ id: userId, disabled: false }));
    await expectNoEntry(
      "user.invited",
      () => admin().users.create({ email: `audited-${dialect}@example.com`, name: "Again", role: "agent" }),
      "CONFLICT",
    );
    const { session } = await seedSession();
    await expectOneEntry("session.assigned", () =>
      admin().sessions.assign({ id: session.id, user_id: userId }),
    );
    const reply = await expectOneEntry("canned_response.created", () =>
      admin().cannedResponses.create({ shortcut: `audited-${dialect}`, content: "Hi {{visitor.name}}." }),
    );
    const replyId = (
      await deps.db.cannedResponse.findFirstOrThrow({ where: { shortcut: `audited-${dialect}` } })
    ).id;
    expect(reply.detail).toEqual({ shortcut: `audited-${dialect}` });
    await expectOneEntry("canned_response.updated", () =>
      admin().cannedResponses.update({ id: replyId, content: "Hello." }),
    );
    await expectOneEntry("canned_response.deleted", () => admin().cannedResponses.delete({ id: replyId }));
    const note = await expectOneEntry("note.added", () =>
      admin().sessions.addNote({ id: session.id, content: `secret note ${dialect}` }),
    );
    expect(JSON.stringify(note)).not.toContain("secret note");
    await expectNoEntry(
      "note.added",
      () => admin().sessions.addNote({ id: "00000000-0000-4000-8000-000000000000", content: "x" }),
      "NOT_FOUND",
    );
    const labels = await expectOneEntry("session.labels_changed", () =>
      admin().sessions.setLabels({ id: session.id, labels: ["billing", "vip"] }),
    );
    expect(labels.detail).toEqual({ labels: 2, added: 2, removed: 0 });
  });

  it("produced every action of AUDIT_ACTIONS", () => {
    expect([...seen].sort()).toEqual([...AUDIT_ACTION_NAMES].sort());
  });
});
