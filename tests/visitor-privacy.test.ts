/**
 * Per-visitor data rights and the audit log, in-process on both databases: the export holds everything of the
 * visitor and nothing of anyone else; an erasure (admin or the visitor itself) leaves no row of the visitor in any
 * table (enumerated from the database catalog, so a future table is checked too) and is a 404 everywhere
 * afterwards; every audited action leaves its entry, and the audit list filters and pages.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import type { ChatDeps } from "~/server/chat/deps";
import { createCaller } from "~/server/api/root";
import { commitChange } from "~/server/chat/events/commit-change";
import { eraseVisitor, onVisitorErased, type VisitorErasure } from "~/server/chat/visitors/erase-visitor";
import { TEST_ADMIN, ensureTestAdmin, signInInProcess } from "../testing/admin";
import { ScriptedResponder } from "../testing/responders";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { adminCaller, bearer } from "./helpers/admin-caller";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";
import { testDeps } from "./helpers/deps";

/** Every application table of the database, from its catalog (dbmate's bookkeeping excluded). */
async function tablesOf(db: Db, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === "postgresql"
      ? await db.$queryRawUnsafe<{ name: string }[]>(
          "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
      : await db.$queryRawUnsafe<{ name: string }[]>(
          // fts_*: the full-text index of messages (derived; tests/session-search.test.ts checks erasure in it).
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'fts\\_%' ESCAPE '\\'",
        );
  return rows.map((row) => row.name).filter((name) => name !== "schema_migrations");
}

/** Every row of every table, as JSON text per table. */
async function dumpTables(db: Db, dialect: Dialect): Promise<Map<string, string[]>> {
  const dump = new Map<string, string[]>();
  for (const table of await tablesOf(db, dialect)) {
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`);
    dump.set(
      table,
      rows.map((row) =>
        JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value)),
      ),
    );
  }
  return dump;
}

const ADMIN_IP = "198.51.100.7";

/**
 * Every table holding a visitor's rows: how many rows of the seeded visitor it holds, and the section of the
 * export that carries them. A new table with visitor data fails the erasure test until it is listed here, and the
 * export test until the export has its section.
 */
const VISITOR_TABLES: Record<string, { rows: number; section: string }> = {
  visitors: { rows: 1, section: "visitor" },
  sessions: { rows: 2, section: "sessions" },
  messages: { rows: 4, section: "messages" },
  message_feedback: { rows: 1, section: "feedback" },
  session_ratings: { rows: 1, section: "ratings" },
  session_notes: { rows: 1, section: "notes" },
  attachments: { rows: 1, section: "attachments" },
  handoff_requests: { rows: 1, section: "handoff_requests" },
};

describeEachDatabase("visitor data rights and the audit log", (database, dialect) => {
  let deps: ChatDeps;
  let adminUserId: string;
  let cookieHeaders: Headers;
  const visitorCaller = () =>
    createCaller({ getDeps: async () => deps, headers: new Headers(), ip: "192.0.2.1" });

  /** A visitor with two sessions of two messages each (and something only it says, to look for later). */
  async function seedVisitor(secret: string) {
    const visitor = await deps.db.visitor.create({ data: { metadata: { secret } } });
    const sessions = [];
    for (const title of ["first", "second"]) {
      const session = await deps.db.session.create({
        data: { visitor_id: visitor.id, title: `${title} ${secret}` },
      });
      await deps.db.message.create({
        data: { session_id: session.id, role: "user", content: `hi ${secret}` },
      });
      await deps.db.message.create({
        data: { session_id: session.id, role: "assistant", content: `hello ${secret}` },
      });
      sessions.push(session);
    }
    // A thumbs-down on the first reply, and a rating of the first conversation.
    const reply = await deps.db.message.findFirstOrThrow({
      where: { session_id: sessions[0]!.id, role: "assistant" },
    });
    await deps.db.messageFeedback.create({
      data: {
        message_id: reply.id,
        session_id: sessions[0]!.id,
        visitor_id: visitor.id,
        rating: "down",
        comment: `not helpful ${secret}`,
      },
    });
    await deps.db.sessionRating.create({
      data: { session_id: sessions[0]!.id, visitor_id: visitor.id, rating: 2, comment: `slow ${secret}` },
    });
    // A private note of the team on the first conversation (in the admin's export, erased with the visitor).
    await deps.db.sessionNote.create({
      data: {
        session_id: sessions[0]!.id,
        author_id: "bootstrap_key",
        author_name: "Ada",
        content: `note ${secret}`,
      },
    });
    // A file the visitor uploaded into the first conversation (its bytes in the export, erased with the visitor).
    await deps.db.attachment.create({
      data: {
        session_id: sessions[0]!.id,
        visitor_id: visitor.id,
        uploader: "visitor",
        name: `file-${secret}.txt`,
        content_type: "text/plain; charset=utf-8",
        size: 5,
        bytes: new TextEncoder().encode("hello"),
      },
    });
    // A request for a person in the first conversation (kept for the reports; in the export, erased with it).
    await deps.db.handoffRequest.create({
      data: { session_id: sessions[0]!.id, requested_at: new Date("2026-03-04T05:06:07.008Z") },
    });
    return { visitor, sessions };
  }

  beforeAll(async () => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["ok"]) });
    adminUserId = await ensureTestAdmin(deps);
    const ipBase = dialect === "sqlite" ? "198.51.100" : "203.0.113";
    const signedIn = await signInInProcess(deps, TEST_ADMIN, `${ipBase}.30`);
    cookieHeaders = new Headers({ cookie: signedIn.cookie!, "x-forwarded-for": ADMIN_IP });
  });

  describe("export", () => {
    it("holds the visitor, every session and message of it, nothing of others, and is audited", async () => {
      const mine = await seedVisitor("export-mine");
      await seedVisitor("export-other");
      const admin = adminCaller(deps, bearer(TEST_ADMIN_API_KEY), ADMIN_IP).admin.visitors;
      const exported = await admin.export({ id: mine.visitor.id });
      expect(exported.visitor).toMatchObject({ id: mine.visitor.id, metadata: { secret: "export-mine" } });
      expect(exported.sessions.map((session) => session.id).sort()).toEqual(
        mine.sessions.map((session) => session.id).sort(),
      );
      expect(exported.messages).toHaveLength(4);
      expect(new Set(exported.messages.map((message) => message.session_id))).toEqual(
        new Set(mine.sessions.map((session) => session.id)),
      );
      expect(JSON.stringify(exported)).not.toContain("export-other");
      // Every table holding rows of the visitor is a section of the export (and the visitors row's context).
      expect(Object.keys(exported).sort()).toEqual(
        ["exported_at", "context", ...Object.values(VISITOR_TABLES).map((table) => table.section)].sort(),
      );

      const entry = await deps.db.auditEntry.findFirstOrThrow({
        where: { action: "visitor.exported", object_id: mine.visitor.id },
      });
      expect(entry).toMatchObject({
        actor_kind: "api_key",
        actor_id: null,
        actor_name: "ADMIN_API_KEY",
        object_type: "visitor",
        client_address: ADMIN_IP,
        detail: { sessions: 2, messages: 4 },
      });
      expect(JSON.stringify(entry)).not.toContain("export-mine");

      await expectTrpcError(
        admin.export({ id: "00000000-0000-4000-8000-000000000000" }),
        "NOT_FOUND",
        "VISITOR_NOT_FOUND",
      );
      await expectTrpcError(admin.export({ id: "nope" }), "NOT_FOUND", "VISITOR_NOT_FOUND");
    });
  });

  describe("erasure", () => {
    it("an admin delete leaves no row of the visitor in any table, and only its rows go", async () => {
      const doomed = await seedVisitor("erase-doomed");
      const kept = await seedVisitor("erase-kept");
      // The webhook outbox holds copies of what each visitor said (message.created): the doomed one's must go.
      for (const [index, seeded] of [doomed, kept].entries()) {
        await deps.db.webhookEvent.create({
          data: {
            id: `msg_erasure_${dialect}_${index}`,
            type: "message.created",
            payload: {
              session_id: seeded.sessions[0]!.id,
              content: `hi ${index === 0 ? "erase-doomed" : "erase-kept"}`,
            },
          },
        });
      }
      const before = await dumpTables(deps.db, dialect);
      expect([...before.keys()]).toEqual(
        expect.arrayContaining(["visitors", "sessions", "messages", "audit_log"]),
      );

      const admin = adminCaller(deps, cookieHeaders, ADMIN_IP).admin.visitors;
      expect(await admin.delete({ id: doomed.visitor.id })).toEqual({
        id: doomed.visitor.id,
        deleted: true,
        sessions: 2,
        messages: 4,
      });

      const after = await dumpTables(deps.db, dialect);
      const doomedIds = [doomed.visitor.id, ...doomed.sessions.map((session) => session.id)];
      for (const [table, rows] of after) {
        // The audit log keeps who deleted which id (no content): that is its purpose. The outbox holds one
        // event with the id, telling webhook receivers of the erasure (checked below).
        if (table === "audit_log") continue;
        if (table === "webhook_events") {
          const mentions = rows.filter((row) => doomedIds.some((id) => row.includes(id)));
          expect(mentions).toHaveLength(1);
          expect(mentions[0]).toContain("visitor.deleted");
          expect(mentions[0]).not.toContain("erase-doomed");
          expect(rows.some((row) => row.includes("erase-kept"))).toBe(true);
          continue;
        }
        for (const row of rows) {
          for (const text of [...doomedIds, "erase-doomed"])
            expect(row, `${table} still holds ${text}`).not.toContain(text);
        }
        // Nothing else changed: only the visitor's own rows left.
        const removed = (before.get(table) ?? []).filter((row) => !rows.includes(row));
        const expected = VISITOR_TABLES[table]?.rows ?? 0;
        if (table !== "admin_sessions" && table !== "api_keys")
          expect([table, removed.length]).toEqual([table, expected]);
      }
      expect(after.get("audit_log")!.length).toBe(before.get("audit_log")!.length + 1);
      const entry = await deps.db.auditEntry.findFirstOrThrow({
        where: { action: "visitor.deleted", object_id: doomed.visitor.id },
      });
      expect(entry).toMatchObject({
        actor_kind: "admin_user",
        actor_id: adminUserId,
        actor_name: TEST_ADMIN.email,
        detail: { sessions: 2, messages: 4 },
        client_address: ADMIN_IP,
      });
      // The other visitor is untouched.
      expect(await deps.db.message.count({ where: { session: { visitor_id: kept.visitor.id } } })).toBe(4);
    });

    it("is a 404 everywhere afterwards", async () => {
      const { visitor, sessions } = await seedVisitor("erase-404");
      await eraseVisitor(deps, visitor.id);
      const chats = visitorCaller();
      const admin = adminCaller(deps, bearer(TEST_ADMIN_API_KEY), ADMIN_IP).admin;
      const owned = { id: sessions[0]!.id, visitor_id: visitor.id };
      await expectTrpcError(chats.visitors.validate({ id: visitor.id }), "NOT_FOUND", "VISITOR_NOT_FOUND");
      await expectTrpcError(
        chats.sessions.list({ visitor_id: visitor.id }),
        "NOT_FOUND",
        "VISITOR_NOT_FOUND",
      );
      await expectTrpcError(chats.sessions.get(owned), "NOT_FOUND");
      await expectTrpcError(chats.messages.list({ id: owned.id, visitor_id: visitor.id }), "NOT_FOUND");
      await expectTrpcError(
        chats.sessions.create({ visitor_id: visitor.id }),
        "NOT_FOUND",
        "VISITOR_NOT_FOUND",
      );
      await expectTrpcError(admin.visitors.get({ id: visitor.id }), "NOT_FOUND", "VISITOR_NOT_FOUND");
      await expectTrpcError(admin.visitors.export({ id: visitor.id }), "NOT_FOUND", "VISITOR_NOT_FOUND");
      await expectTrpcError(admin.visitors.delete({ id: visitor.id }), "NOT_FOUND", "VISITOR_NOT_FOUND");
      await expectTrpcError(admin.sessions.transcript({ id: owned.id }), "NOT_FOUND", "SESSION_NOT_FOUND");
      expect((await admin.sessions.list({ visitor_id: visitor.id })).items).toEqual([]);
      await expectTrpcError(
        chats.visitors.erase({ id: visitor.id, visitor_id: visitor.id }),
        "NOT_FOUND",
        "VISITOR_NOT_FOUND",
      );
    });

    it("a visitor erases itself only with its own id; another id changes nothing", async () => {
      const me = await seedVisitor("self-me");
      const other = await seedVisitor("self-other");
      const chats = visitorCaller();
      await expectTrpcError(
        chats.visitors.erase({ id: other.visitor.id, visitor_id: me.visitor.id }),
        "FORBIDDEN",
        "VISITOR_ID_MISMATCH",
      );
      expect(await deps.db.session.count({ where: { visitor_id: other.visitor.id } })).toBe(2);
      await expectTrpcError(
        chats.visitors.erase({ id: me.visitor.id, visitor_id: "" }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
      );
      expect(await chats.visitors.erase({ id: me.visitor.id, visitor_id: me.visitor.id })).toEqual({
        id: me.visitor.id,
        deleted: true,
        sessions: 2,
        messages: 4,
      });
      expect(await deps.db.visitor.count({ where: { id: me.visitor.id } })).toBe(0);
      expect(await deps.db.message.count({ where: { session: { visitor_id: other.visitor.id } } })).toBe(4);
      // Not an admin action: no audit entry.
      expect(await deps.db.auditEntry.count({ where: { object_id: me.visitor.id } })).toBe(0);
    });

    it("hooks run inside the transaction (a failure rolls the erasure back) and after the commit", async () => {
      const { visitor } = await seedVisitor("hooks");
      const seen: VisitorErasure[] = [];
      const unregister = onVisitorErased({
        inTransaction: async (tx, erasure) => {
          // Inside the transaction the rows are already gone.
          expect(await tx.visitor.count({ where: { id: erasure.visitor_id } })).toBe(0);
          throw new Error("outbox write failed");
        },
      });
      await expect(eraseVisitor(deps, visitor.id)).rejects.toThrow("outbox write failed");
      unregister();
      expect(await deps.db.message.count({ where: { session: { visitor_id: visitor.id } } })).toBe(4);

      const unregisterAfter = onVisitorErased({ afterCommit: (erasure) => void seen.push(erasure) });
      try {
        await eraseVisitor(deps, visitor.id);
      } finally {
        unregisterAfter();
      }
      expect(seen).toEqual([
        expect.objectContaining({
          visitor_id: visitor.id,
          counts: { visitors: 1, sessions: 2, messages: 4 },
        }),
      ]);
      expect(seen[0]!.session_ids).toHaveLength(2);
    });
  });

  describe("audit log", () => {
    it("records sign-in success and failure, with the client address and no password", async () => {
      const ip = dialect === "sqlite" ? "198.51.100.41" : "203.0.113.41";
      await signInInProcess(deps, TEST_ADMIN, ip);
      await signInInProcess(deps, { email: TEST_ADMIN.email, password: "wrong password!!" }, ip);
      await signInInProcess(deps, { email: "nobody@example.com", password: "wrong password!!" }, ip);
      const entries = await deps.db.auditEntry.findMany({
        where: { client_address: ip },
        orderBy: { created_at: "asc" },
      });
      expect(entries.map((entry) => [entry.action, entry.actor_name, entry.actor_id])).toEqual([
        ["sign_in.succeeded", TEST_ADMIN.email, adminUserId],
        ["sign_in.failed", TEST_ADMIN.email, adminUserId],
        ["sign_in.failed", "nobody@example.com", null],
      ]);
      expect(entries[1]!.detail).toEqual({ status: 401, known_account: true });
      expect(JSON.stringify(entries)).not.toContain("wrong password");
    });

    it("records API keys created and revoked, by the admin who did it", async () => {
      const keys = adminCaller(deps, cookieHeaders, ADMIN_IP).admin.apiKeys;
      const created = await keys.create({ name: "Audit test key" });
      await keys.revoke({ id: created.api_key.id });
      const entries = await deps.db.auditEntry.findMany({
        where: { object_id: created.api_key.id },
        orderBy: { created_at: "asc" },
      });
      expect(entries.map((entry) => [entry.action, entry.actor_kind, entry.actor_name])).toEqual([
        ["api_key.created", "admin_user", TEST_ADMIN.email],
        ["api_key.revoked", "admin_user", TEST_ADMIN.email],
      ]);
      expect(JSON.stringify(entries)).not.toContain(created.key);
      // A managed key is recorded by its name.
      const { visitor } = await seedVisitor("by-key");
      const other = await keys.create({ name: "Exporter" });
      await adminCaller(deps, bearer(other.key), ADMIN_IP).admin.visitors.export({ id: visitor.id });
      expect(
        await deps.db.auditEntry.findFirstOrThrow({
          where: { action: "visitor.exported", object_id: visitor.id },
        }),
      ).toMatchObject({ actor_kind: "api_key", actor_id: other.api_key.id, actor_name: "Exporter" });
    });

    it("lists newest first, filters by action, actor and day, and pages by cursor", async () => {
      const actor = { kind: "api_key" as const, id: null, name: `pager-${dialect}` };
      // (Entries are ordered by time: ones recorded in the same millisecond have no order between them.)
      for (let index = 0; index < 5; index += 1) {
        await commitChange(deps, {
          writes: [],
          audit: { actor, action: "sessions.exported", detail: { index } },
        });
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      const audit = adminCaller(deps, bearer(TEST_ADMIN_API_KEY), ADMIN_IP).admin.audit;
      const first = await audit.list({ actor: actor.name, limit: 2 });
      expect(first.items.map((item) => item.detail.index)).toEqual([4, 3]);
      const second = await audit.list({ actor: actor.name, limit: 2, cursor: first.next_cursor! });
      const third = await audit.list({ actor: actor.name, limit: 2, cursor: second.next_cursor! });
      expect([...second.items, ...third.items].map((item) => item.detail.index)).toEqual([2, 1, 0]);
      expect(third.next_cursor).toBeNull();

      const signIns = await audit.list({ action: "sign_in.failed", limit: 100 });
      expect(signIns.items.length).toBeGreaterThan(0);
      expect(signIns.items.every((item) => item.action === "sign_in.failed")).toBe(true);

      const today = new Date().toISOString().slice(0, 10);
      expect((await audit.list({ actor: actor.name, from: today, to: today })).items).toHaveLength(5);
      expect((await audit.list({ actor: actor.name, to: "2000-01-01" })).items).toEqual([]);
      await expectTrpcError(
        audit.list({ from: "2026-02-02", to: "2026-02-01" }),
        "BAD_REQUEST",
        "INVALID_DATE_RANGE",
      );
      await expectTrpcError(audit.list({ action: "nope" as never }), "BAD_REQUEST", "VALIDATION_FAILED");
      await expectTrpcError(audit.list({ cursor: "garbage" }), "BAD_REQUEST", "INVALID_CURSOR");
    });

    it("has no procedure that changes or removes an entry", async () => {
      const { appRouter } = await import("~/server/api/root");
      const auditProcedures = Object.keys(appRouter._def.procedures).filter((name) =>
        name.startsWith("admin.audit."),
      );
      expect(auditProcedures).toEqual(["admin.audit.list"]);
    });
  });
});
