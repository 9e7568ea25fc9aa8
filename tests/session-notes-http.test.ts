/**
 * Private notes (issue 26, item 5) over real HTTP (`next start`, both databases): an agent adds a note to a
 * conversation; the team reads it (the notes route, the admin's visitor export); it is absent from every surface
 * the visitor reaches — the session's messages over REST and tRPC, the session's event stream — and from the
 * webhook outbox; it is audited without its text, and gone once the visitor is erased.
 */
import { beforeAll, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "~/server/chat/events/catalogue";
import { openSse } from "../testing/sse";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };

describeEachServer("private notes over HTTP", (target, dialect) => {
  let checker: DocumentChecker;
  let visitorId: string;
  let sessionId: string;
  const SECRET = `team-only-${dialect}-7c1f`;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${target().baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as { success: boolean; code?: string; data?: unknown };
    checker.expectDeclared(method, path, response.status, json);
    return { status: response.status, body: json, text: JSON.stringify(json) };
  }

  beforeAll(async () => {
    checker = await loadDocumentChecker(target().baseUrl);
    const visitor = await call("POST", "/api/chats/visitors/", { metadata: { name: "Vera" } });
    visitorId = (visitor.body.data as { id: string }).id;
    const session = await call("POST", "/api/chats/sessions/", { visitor_id: visitorId });
    sessionId = (session.body.data as { id: string }).id;
    // A webhook endpoint that wants every event (registered through the server, so it writes their outbox rows at
    // once): whatever a note emitted would be in its outbox. A public literal address: no DNS, nothing listens.
    const hook = await call(
      "POST",
      "/api/admin/webhooks/",
      { url: "https://93.184.215.14/hook", events: [...WEBHOOK_EVENT_TYPES] },
      ADMIN,
    );
    expect(hook.status).toBe(201);
  });

  it("a note is stored and listed for the team, never on the visitor's messages, stream or webhooks", async () => {
    const stream = await openSse(
      `${target().baseUrl}/api/chats/sessions/${sessionId}/events/?visitor_id=${visitorId}`,
    );
    expect(stream.response.status).toBe(200);
    const adminStream = await openSse(`${target().baseUrl}/api/admin/events/`, ADMIN);
    expect(adminStream.response.status).toBe(200);

    const added = await call(
      "POST",
      `/api/admin/sessions/${sessionId}/notes/`,
      { content: `  Refund approved by Sam ${SECRET}  ` },
      ADMIN,
    );
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({
      session_id: sessionId,
      author_id: "bootstrap_key",
      content: `Refund approved by Sam ${SECRET}`,
    });

    // A marker after the note: an agent's message, which does reach the visitor (stream and webhooks).
    expect((await call("POST", `/api/admin/sessions/${sessionId}/claim/`, {}, ADMIN)).status).toBe(200);
    const marker = `marker-${dialect}`;
    expect(
      (await call("POST", `/api/admin/sessions/${sessionId}/messages/`, { message: marker }, ADMIN)).status,
    ).toBe(201);

    const frames = await stream.readUntil((got) => got.some((frame) => frame.data.includes(marker)));
    await stream.close();
    expect(frames.some((frame) => frame.data.includes(marker))).toBe(true);
    expect(frames.map((frame) => frame.raw).join("")).not.toContain(SECRET);
    const adminFrames = await adminStream.readUntil((got) =>
      got.some((frame) => frame.data.includes(marker)),
    );
    await adminStream.close();
    expect(adminFrames.map((frame) => frame.raw).join("")).not.toContain(SECRET);

    // The team's list.
    const listed = await call("GET", `/api/admin/sessions/${sessionId}/notes/`, undefined, ADMIN);
    expect(listed.status).toBe(200);
    expect((listed.body.data as { items: { content: string }[] }).items.map((note) => note.content)).toEqual([
      `Refund approved by Sam ${SECRET}`,
    ]);
    // The admin transcript's messages are the conversation only: the note is not a message.
    const transcript = await call("GET", `/api/admin/sessions/${sessionId}/`, undefined, ADMIN);
    expect(transcript.text).toContain(marker);
    expect(transcript.text).not.toContain(SECRET);

    // The visitor's messages, REST and tRPC: the marker, never the note.
    const rest = await call("GET", `/api/chats/sessions/${sessionId}/messages/?visitor_id=${visitorId}`);
    expect(rest.status).toBe(200);
    expect(rest.text).toContain(marker);
    expect(rest.text).not.toContain(SECRET);
    const input = encodeURIComponent(JSON.stringify({ id: sessionId, visitor_id: visitorId }));
    const trpc = await fetch(`${target().baseUrl}/api/trpc/messages.list?input=${input}`);
    expect(trpc.status).toBe(200);
    const trpcText = await trpc.text();
    expect(trpcText).toContain(marker);
    expect(trpcText).not.toContain(SECRET);
    // Nor the visitor's session and its handoff state.
    for (const path of [
      `/api/chats/sessions/${sessionId}/?visitor_id=${visitorId}`,
      `/api/chats/sessions/?visitor_id=${visitorId}`,
      `/api/chats/sessions/${sessionId}/handoff/?visitor_id=${visitorId}`,
    ]) {
      const answer = await call("GET", path);
      expect([path, answer.status]).toEqual([path, 200]);
      expect(answer.text).not.toContain(SECRET);
    }

    // The webhook outbox holds the marker's event, nothing of the note.
    const outbox = await target().database.db.webhookEvent.findMany();
    expect(JSON.stringify(outbox)).toContain(marker);
    expect(JSON.stringify(outbox)).not.toContain(SECRET);

    // Audited, without the text.
    const entry = await target().database.db.auditEntry.findFirstOrThrow({ where: { action: "note.added" } });
    expect(entry).toMatchObject({ object_type: "session", object_id: sessionId });
    expect(JSON.stringify(entry)).not.toContain(SECRET);
  });

  it("refuses an empty note, an unknown session, and a visitor's call", async () => {
    const empty = await call("POST", `/api/admin/sessions/${sessionId}/notes/`, { content: "   " }, ADMIN);
    expect([empty.status, empty.body.code]).toEqual([400, "VALIDATION_FAILED"]);
    const unknown = await call(
      "POST",
      "/api/admin/sessions/00000000-0000-4000-8000-000000000000/notes/",
      { content: "x" },
      ADMIN,
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, "SESSION_NOT_FOUND"]);
    const anonymous = await call("GET", `/api/admin/sessions/${sessionId}/notes/`);
    expect(anonymous.status).toBe(401);
  });

  it("is in the admin's visitor export and erased with the visitor", async () => {
    const exported = await call("GET", `/api/admin/visitors/${visitorId}/export/`, undefined, ADMIN);
    expect(exported.status).toBe(200);
    const data = exported.body.data as { notes: { content: string }[]; messages: { content: string }[] };
    expect(data.notes.map((note) => note.content)).toEqual([`Refund approved by Sam ${SECRET}`]);
    expect(JSON.stringify(data.messages)).not.toContain(SECRET);

    expect((await call("DELETE", `/api/admin/visitors/${visitorId}/`, undefined, ADMIN)).status).toBe(200);
    expect(await target().database.db.sessionNote.count({ where: { session_id: sessionId } })).toBe(0);
    const gone = await call("GET", `/api/admin/sessions/${sessionId}/notes/`, undefined, ADMIN);
    expect([gone.status, gone.body.code]).toEqual([404, "SESSION_NOT_FOUND"]);
  });
});
