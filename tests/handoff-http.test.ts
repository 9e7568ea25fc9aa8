/**
 * Human handoff over real HTTP (`next start`, both databases): the visitor's REST routes, the admin inbox REST
 * routes with a Bearer key, bot silence on the REST and SSE chat routes, the email route, refusals in the error
 * envelope, and GET /api/admin/events/ delivering a conversation's events. Responses are checked against the
 * served OpenAPI document.
 */
import { beforeAll, expect, it } from "vitest";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };

describeEachServer(
  "human handoff over HTTP",
  (target) => {
    let checker: DocumentChecker;
    let visitorId: string;
    let sessionId: string;

    async function call(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; body: { success: boolean; code?: string; data?: unknown } }> {
      const response = await fetch(`${target().baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as { success: boolean; code?: string; data?: unknown };
      checker.expectDeclared(method, path, response.status, json);
      return { status: response.status, body: json };
    }

    beforeAll(async () => {
      checker = await loadDocumentChecker(target().baseUrl);
      const visitor = await call("POST", "/api/chats/visitors/", { metadata: { plan: "pro" } });
      visitorId = (visitor.body.data as { id: string }).id;
      const session = await call("POST", "/api/chats/sessions/", { visitor_id: visitorId });
      sessionId = (session.body.data as { id: string }).id;
    });

    it("asking for a person with nobody online reads unavailable; the visitor leaves an email", async () => {
      const asked = await call("POST", `/api/chats/sessions/${sessionId}/handoff/`, {
        visitor_id: visitorId,
      });
      expect(asked.status).toBe(200);
      expect(asked.body.data).toMatchObject({
        status: "unavailable",
        agents_online: 0,
        session: { mode: "bot", agent_name: null },
      });
      const state = await call("GET", `/api/chats/sessions/${sessionId}/handoff/?visitor_id=${visitorId}`);
      expect(state.body.data).toMatchObject({ status: "unavailable" });

      const email = await call("POST", `/api/chats/visitors/${visitorId}/email/`, {
        email: "ada@example.com",
      });
      expect(email.body.data).toMatchObject({ id: visitorId, email: "ada@example.com" });
      const bad = await call("POST", `/api/chats/visitors/${visitorId}/email/`, { email: "not an email" });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe("VALIDATION_FAILED");
    });

    it("another visitor cannot ask for a person in this session", async () => {
      const stranger = await call("POST", "/api/chats/visitors/", {});
      const strangerId = (stranger.body.data as { id: string }).id;
      const refused = await call("POST", `/api/chats/sessions/${sessionId}/handoff/`, {
        visitor_id: strangerId,
      });
      expect([refused.status, refused.body.code]).toEqual([403, "SESSION_OF_ANOTHER_VISITOR"]);
    });

    it("an agent claims with the admin key; the bot is silent on REST and SSE; the agent's reply is listed", async () => {
      const events = await fetch(`${target().baseUrl}/api/admin/events/`, { headers: ADMIN });
      expect(events.status).toBe(200);
      const reader = events.body!.getReader();

      const claimed = await call(
        "POST",
        `/api/admin/sessions/${sessionId}/claim/`,
        { agent_name: "Ada" },
        ADMIN,
      );
      expect(claimed.status).toBe(200);
      expect(claimed.body.data).toMatchObject({ mode: "agent", agent_name: "Ada" });

      const waitingList = await call("GET", "/api/admin/sessions/?mode=agent", undefined, ADMIN);
      expect((waitingList.body.data as { items: { id: string }[] }).items.map((item) => item.id)).toContain(
        sessionId,
      );

      const chat = await call("POST", "/api/chats/messages/chat/", {
        session_id: sessionId,
        visitor_id: visitorId,
        message: "Hello, a person?",
      });
      expect(chat.status).toBe(200);
      expect(chat.body.data).toMatchObject({ user_message: { role: "user" }, assistant_message: null });

      const stream = await fetch(`${target().baseUrl}/api/chats/messages/chat/stream/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ session_id: sessionId, visitor_id: visitorId, message: "Still here" }),
      });
      const frames = (await stream.text()).trim().split("\n\n");
      expect(frames).toHaveLength(1);
      expect(frames[0]).toMatch(/^event: start\ndata: .*"assistant_message":null/);

      const reply = await call(
        "POST",
        `/api/admin/sessions/${sessionId}/messages/`,
        { message: "Hi, I'm Ada.", agent_name: "Ada" },
        ADMIN,
      );
      expect(reply.status).toBe(201);
      expect(reply.body.data).toMatchObject({ role: "agent", author_name: "Ada", content: "Hi, I'm Ada." });

      const rows = await target().database.db.message.findMany({
        where: { session_id: sessionId },
        orderBy: [{ created_at: "asc" }, { id: "asc" }],
      });
      // The claim's visible step ("Ada joined", role system) first, then the messages.
      expect(rows.map((row) => [row.role, row.kind])).toEqual([
        ["system", "agent_joined"],
        ["user", null],
        ["user", null],
        ["agent", null],
      ]);
      const listed = await call("GET", `/api/chats/sessions/${sessionId}/messages/?visitor_id=${visitorId}`);
      expect((listed.body.data as { items: { author_name: string | null }[] }).items.at(-1)).toMatchObject({
        author_name: "Ada",
      });

      // The admin event stream carried the claim and the messages, in order.
      let text = "";
      const decoder = new TextDecoder();
      while (!text.includes('"content":"Hi, I\'m Ada."')) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
      await reader.cancel();
      const types = [...text.matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);
      // The claim first (and its visible step); then the three messages (and the title the first message gave).
      expect(types[0]).toBe("session.updated");
      expect(types.filter((type) => type === "message.created")).toHaveLength(4);
      expect(text).toMatch(/"role":"system","kind":"agent_joined"/);
      expect(types.every((type) => type === "session.updated" || type === "message.created")).toBe(true);
      expect(text).toMatch(/"mode":"agent","agent_name":"Ada"/);
      expect(text).toContain(`id: ${sessionId}:`);
    });

    it("refusals come in the envelope: another agent's claim, replying after release, claiming a closed session", async () => {
      const other = await call(
        "POST",
        `/api/admin/sessions/${sessionId}/claim/`,
        {},
        {
          authorization: `Bearer ${TEST_ADMIN_API_KEY}`,
        },
      );
      // The same bootstrap key is the same agent: claiming again changes nothing.
      expect(other.status).toBe(200);
      const released = await call("POST", `/api/admin/sessions/${sessionId}/release/`, undefined, ADMIN);
      expect(released.body.data).toMatchObject({ mode: "bot" });
      const late = await call("POST", `/api/admin/sessions/${sessionId}/messages/`, { message: "hi" }, ADMIN);
      expect([late.status, late.body.code]).toEqual([409, "SESSION_NOT_CLAIMED"]);
      await call("POST", `/api/admin/sessions/${sessionId}/close/`, undefined, ADMIN);
      const closed = await call("POST", `/api/admin/sessions/${sessionId}/claim/`, undefined, ADMIN);
      expect([closed.status, closed.body.code]).toEqual([409, "SESSION_CLOSED"]);
      const unknown = await call(
        "POST",
        "/api/admin/sessions/00000000-0000-4000-8000-000000000000/claim/",
        undefined,
        ADMIN,
      );
      expect([unknown.status, unknown.body.code]).toEqual([404, "SESSION_NOT_FOUND"]);

      // The visitor writes again: the conversation reopens with the bot, which answers.
      const chat = await call("POST", "/api/chats/messages/chat/", {
        session_id: sessionId,
        visitor_id: visitorId,
        message: "How do I embed the widget?",
      });
      expect(chat.body.data).toMatchObject({ assistant_message: { role: "assistant", status: "complete" } });
      const session = await call("GET", `/api/chats/sessions/${sessionId}/?visitor_id=${visitorId}`);
      expect(session.body.data).toMatchObject({ mode: "bot" });
    });

    it("a visitor's typing signal is accepted for their own session only", async () => {
      const ok = await call("POST", `/api/chats/sessions/${sessionId}/typing/`, {
        visitor_id: visitorId,
        active: true,
      });
      expect(ok.body.data).toEqual({ ok: true });
      const bad = await call("POST", `/api/chats/sessions/${sessionId}/typing/`, { visitor_id: visitorId });
      expect([bad.status, bad.body.code]).toEqual([400, "VALIDATION_FAILED"]);
    });
  },
  { env: () => ({ KNOWLEDGE_STREAM_DELAY_MS: "0" }) },
);
