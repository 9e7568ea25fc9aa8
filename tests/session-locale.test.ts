/**
 * The visitor's language on the server: a session keeps the locale the widget created it with, and the
 * assistant's built-in replies (not found, handoff) are in it even when the message is too short to tell its
 * language; a locale we do not speak is refused naming the field (tRPC here, REST over HTTP below).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { continuityEmail } from "~/server/chat/email/email-content";
import { createCaller } from "~/server/api/root";
import type { ChatDeps } from "~/server/chat/deps";
import { chat } from "~/server/chat/messages/complete-reply";
import { BUILT_IN_REPLIES } from "~/server/chat/responder/fallback-replies";
import { KnowledgeBase, KnowledgeBaseResponder, loadKnowledge } from "~/server/chat/responder/knowledge-base";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachDatabase } from "./helpers/databases";
import { testDeps } from "./helpers/deps";
import { describeEachServer } from "./helpers/server";
import { expectTrpcError } from "./helpers/trpc";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";

describeEachDatabase("the session's locale", (database) => {
  let deps: ChatDeps;
  let api: ReturnType<typeof createCaller>;

  beforeAll(() => {
    deps = testDeps(database(), {
      responder: new KnowledgeBaseResponder(new KnowledgeBase(loadKnowledge("content/knowledge")), {
        chunkDelayMs: 0,
      }),
    });
    api = createCaller({ getDeps: async () => deps, headers: new Headers(), ip: "203.0.113.9" });
  });

  it("is stored, returned and listed; absent means null", async () => {
    const visitor = await api.visitors.create({});
    const german = await api.sessions.create({ visitor_id: visitor.id, locale: "de" });
    expect(german.locale).toBe("de");
    const plain = await api.sessions.create({ visitor_id: visitor.id });
    expect(plain.locale).toBeNull();
    const stored = await database().db.session.findUniqueOrThrow({ where: { id: german.id } });
    expect(stored.locale).toBe("de");
    const listed = await api.sessions.list({ visitor_id: visitor.id });
    expect(Object.fromEntries(listed.items.map((s) => [s.id, s.locale]))).toEqual({
      [german.id]: "de",
      [plain.id]: null,
    });
  });

  it("refuses a locale the widget does not speak, naming the field", async () => {
    const visitor = await api.visitors.create({});
    for (const locale of ["xx", "de-DE", "", "EN"])
      await expectTrpcError(
        api.sessions.create({ visitor_id: visitor.id, locale: locale as "de" }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
        /locale must be one of en, de, fr, es, ar/,
      );
    expect(await database().db.session.count({ where: { visitor_id: visitor.id } })).toBe(0);
  });

  it("gives built-in replies in the session's language, even for a one-word message", async () => {
    const visitor = await api.visitors.create({});
    for (const locale of ["de", "fr", "es", "ar"] as const) {
      const session = await api.sessions.create({ visitor_id: visitor.id, locale });
      // First message (the slow path reads the session) and a later one (the fast path's joined read).
      for (const message of ["qwxzv", "zzyzx"]) {
        const output = await chat(deps, { session_id: session.id, visitor_id: visitor.id, message });
        expect(output.assistant_message?.content.startsWith(BUILT_IN_REPLIES[locale].notFound)).toBe(true);
      }
      const handoff = await chat(deps, {
        session_id: session.id,
        visitor_id: visitor.id,
        message: "talk human",
      });
      expect(handoff.assistant_message?.content).toBe(BUILT_IN_REPLIES[locale].handoff);
    }
    // Without a locale: the message's own language when it can be told, else English.
    const plain = await api.sessions.create({ visitor_id: visitor.id });
    const english = await chat(deps, { session_id: plain.id, visitor_id: visitor.id, message: "qwxzv" });
    expect(english.assistant_message?.content.startsWith(BUILT_IN_REPLIES.en.notFound)).toBe(true);
  });
});

describeEachServer("the session's locale over REST", (target) => {
  let checker: DocumentChecker;
  beforeAll(async () => {
    checker = await loadDocumentChecker(target().baseUrl);
  });

  async function post(path: string, json: unknown) {
    const response = await fetch(`${target().baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(json),
    });
    const body = (await response.json()) as {
      data?: { id: string; locale?: string | null };
      errors?: Record<string, string[]>;
    };
    checker.expectDeclared("POST", path, response.status, body);
    return { status: response.status, body };
  }

  it("creates a session with a locale, and answers 400 naming the field for one we do not speak", async () => {
    const visitor = await post("/api/chats/visitors/", {});
    const visitorId = visitor.body.data!.id;
    const created = await post("/api/chats/sessions/", { visitor_id: visitorId, locale: "fr" });
    expect(created.status).toBe(201);
    expect(created.body.data?.locale).toBe("fr");
    const refused = await post("/api/chats/sessions/", { visitor_id: visitorId, locale: "klingon" });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.locale?.[0]).toMatch(/locale must be one of en, de, fr, es, ar/);
  });

  it("serves the widget's texts of the asked language, else the defaults; a bad locale is a 400", async () => {
    const put = await fetch(`${target().baseUrl}/api/admin/settings/`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
      body: JSON.stringify({
        title: "Help",
        greeting: "Hello!",
        translations: { de: { title: "Hilfe", suggested_prompts: ["Wo ist meine Bestellung?"] } },
        ai_disclosure: false,
      }),
    });
    expect(put.status).toBe(200);
    const get = async (query: string) => {
      const response = await fetch(`${target().baseUrl}/api/chats/widget/${query}`);
      const body = (await response.json()) as {
        data?: Record<string, unknown>;
        errors?: Record<string, string[]>;
      };
      checker.expectDeclared("GET", "/api/chats/widget/", response.status, body);
      return { status: response.status, body };
    };
    const german = await get("?locale=de");
    expect(german.body.data).toMatchObject({
      title: "Hilfe",
      greeting: "Hello!",
      suggested_prompts: ["Wo ist meine Bestellung?"],
      ai_disclosure: false,
    });
    expect((await get("?locale=fr")).body.data).toMatchObject({ title: "Help", suggested_prompts: [] });
    expect((await get("")).body.data).toMatchObject({ title: "Help", ai_disclosure: false });
    const bad = await get("?locale=xx");
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.locale?.[0]).toMatch(/locale must be one of/);
  });
});

describe("emails to the visitor in the session's language", () => {
  const args = {
    siteTitle: "Acme",
    agentName: "Ada",
    messages: ["Your parcel left today."],
    conversationUrl: "https://acme.example/widget?resume=x",
    stopUrl: "https://acme.example/api/inbound/email/stop/?token=t",
    canReply: true,
  };

  it("uses the catalogue's VisitorEmail texts of the locale, English without one", () => {
    const german = continuityEmail({ ...args, locale: "de" });
    expect(german.subject).toBe("Acme: Ada hat auf Ihre Nachricht geantwortet");
    expect(german.text).toContain("Ada (Acme) schrieb:");
    expect(german.text).toContain("Keine weiteren E-Mails zu Ihren Gesprächen: " + args.stopUrl);
    expect(german.html).toContain('<html lang="de" dir="ltr">');
    expect(german.html).toContain(">Gespräch öffnen</a>");
    const arabic = continuityEmail({ ...args, locale: "ar" });
    expect(arabic.html).toContain('<html lang="ar" dir="rtl">');
    expect(arabic.subject).toContain("Ada");
    for (const locale of [null, undefined, "pt"]) {
      const english = continuityEmail({ ...args, locale });
      expect(english.subject).toBe("Acme: Ada replied to your message");
      expect(english.text).toContain("Reply to this email, or continue the conversation here:");
      expect(english.html).toContain(">Open the conversation</a>");
    }
  });
});
