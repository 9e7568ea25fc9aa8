/**
 * The REST surface says one thing one way (issue 21, part 4), over real HTTP against `next start`: an unknown body
 * field is reported under its own name; what GET /api/admin/settings/ returns can be sent back with PUT; the
 * visitor routes take `visitor_id` alike; claim/release/close need no body; 405 METHOD_NOT_ALLOWED is in the
 * document and the docs; the SSE frames and the `webhooks` come from the event catalogue; a Last-Event-ID ahead
 * of the sequence is "from now".
 */
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import {
  ADMIN_EVENT_TYPES,
  EVENT_CATALOGUE,
  SESSION_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES,
} from "~/server/chat/events/catalogue";
import { openSse } from "../testing/sse";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { describeEachServer } from "./helpers/server";

type Json = Record<string, unknown>;
const admin = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };

describeEachServer("REST surface", (target) => {
  let checker: DocumentChecker;
  beforeAll(async () => {
    checker = await loadDocumentChecker(target().baseUrl);
  });

  async function call(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${target().baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(json !== undefined && { "content-type": "application/json" }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const body = (await response.json()) as Json & { data?: Json; errors?: Record<string, string[]> };
    checker.expectDeclared(method, path, response.status, body);
    return { status: response.status, body };
  }

  async function newSession() {
    const visitor = await call("POST", "/api/chats/visitors/");
    const visitorId = String(visitor.body.data!.id);
    const session = await call("POST", "/api/chats/sessions/", { visitor_id: visitorId });
    return { visitorId, sessionId: String(session.body.data!.id) };
  }

  it("reports an unknown body field under its own name (also nested), not under the object's", async () => {
    const { visitorId } = await newSession();
    const top = await call("POST", "/api/chats/sessions/", { visitor_id: visitorId, colour: "red" });
    expect(top.status).toBe(400);
    expect(top.body.errors).toEqual({ colour: ['Unrecognized key: "colour"'] });
    const nested = await call(
      "PUT",
      "/api/admin/settings/",
      { office_hours: { timezone: "UTC", ranges: [{ day: "mon", from: "09:00", to: "17:00" }], colour: 1 } },
      admin,
    );
    expect(nested.status).toBe(400);
    expect(nested.body.errors?.["office_hours.colour"]).toEqual(['Unrecognized key: "colour"']);
    expect(nested.body.errors?.[""]).toBeUndefined();
  });

  it("takes back what GET /api/admin/settings/ returns: read-only fields are accepted and ignored", async () => {
    const before = await call("GET", "/api/admin/settings/", undefined, admin);
    expect(before.status).toBe(200);
    const sent = { ...before.body.data, title: "Help desk", version: 999, updated_by: "someone else" };
    const saved = await call("PUT", "/api/admin/settings/", sent, admin);
    expect(saved.status).toBe(200);
    expect(saved.body.data).toMatchObject({
      title: "Help desk",
      version: Number(before.body.data!.version) + 1,
    });
    expect(saved.body.data!.updated_by).not.toBe("someone else");
    // The answer of the PUT can be sent back too.
    expect((await call("PUT", "/api/admin/settings/", saved.body.data, admin)).status).toBe(200);
  });

  it("takes visitor_id on the email route like on the others: checked when sent, optional for older clients", async () => {
    const { visitorId } = await newSession();
    const other = await newSession();
    const path = `/api/chats/visitors/${visitorId}/email/`;
    const mismatch = await call("POST", path, { email: "ada@example.com", visitor_id: other.visitorId });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.code).toBe("VISITOR_ID_MISMATCH");
    const own = await call("POST", path, { email: "ada@example.com", visitor_id: visitorId });
    expect(own.status).toBe(200);
    expect(own.body.data).toMatchObject({ id: visitorId, email: "ada@example.com" });
    expect((await call("POST", path, { email: "ada@example.org" })).status).toBe(200);
    // DELETE takes it the same way (in the query: a DELETE has no body).
    const erase = await call("DELETE", `/api/chats/visitors/${visitorId}/?visitor_id=${other.visitorId}`);
    expect(erase.body.code).toBe("VISITOR_ID_MISMATCH");
  });

  it("claims, releases and closes without a body, and the document says the body is optional", async () => {
    const { sessionId } = await newSession();
    for (const action of ["claim", "release", "close"]) {
      const path = `/api/admin/sessions/${sessionId}/${action}/`;
      const answer = await call("POST", path, undefined, admin);
      expect(answer.status, action).toBe(200);
      const operation = (checker.document.paths as Record<string, Record<string, Json>>)[
        "/api/admin/sessions/{id}/" + action + "/"
      ]!.post!;
      expect((operation.requestBody as Json).required, action).toBe(false);
    }
  });

  it("has 405 METHOD_NOT_ALLOWED in the document and in the docs' error table", () => {
    const responses = (checker.document.components as { responses: Record<string, Json> }).responses;
    expect(responses.MethodNotAllowed).toMatchObject({
      headers: { Allow: { $ref: "#/components/headers/Allow" } },
      content: { "application/json": { example: { code: "METHOD_NOT_ALLOWED" } } },
    });
    expect(readFileSync("docs/rest-api.md", "utf8")).toMatch(/\| 405 +\| `METHOD_NOT_ALLOWED` +\|/);
  });

  it("generates both streams' frames and the webhooks from the event catalogue", () => {
    const document = checker.document as {
      paths: Record<string, Record<string, Json>>;
      webhooks: Record<string, { post: Json }>;
      tags: { name: string; description: string }[];
    };
    const frames = (path: string) =>
      (
        (document.paths[path]!.get!.responses as Record<string, Json>)["200"] as {
          content: Record<string, { schema: { oneOf: { title: string }[] } }>;
        }
      ).content["text/event-stream"]!.schema.oneOf.map((frame) => frame.title);
    expect(frames("/api/chats/sessions/{id}/events/")).toEqual(SESSION_EVENT_TYPES.map((t) => `${t} frame`));
    expect(frames("/api/admin/events/")).toEqual(ADMIN_EVENT_TYPES.map((t) => `${t} frame`));
    expect(Object.keys(document.webhooks)).toEqual(WEBHOOK_EVENT_TYPES);
    for (const type of WEBHOOK_EVENT_TYPES) {
      const body = (document.webhooks[type]!.post.requestBody as Json).content as Record<
        string,
        { schema: { required: string[]; properties: Record<string, Json> } }
      >;
      const schema = body["application/json"]!.schema;
      expect(schema.required).toEqual(["type", "timestamp", "data"]);
      expect(schema.properties.type).toEqual({ type: "string", const: type });
      // Not `Record<string, never>`: the catalogue's schema, by reference.
      const ref = String(schema.properties.data!.$ref);
      expect(ref).toMatch(/^#\/components\/schemas\//);
      const component = (checker.document.components as { schemas: Record<string, Json> }).schemas[
        ref.split("/").at(-1)!
      ];
      expect(Object.keys(component?.properties as Json)).toEqual(
        Object.keys((EVENT_CATALOGUE[type].data as unknown as { shape: Json }).shape),
      );
    }
    const webhooksTag = document.tags.find((tag) => tag.name === "Webhooks")!;
    for (const type of WEBHOOK_EVENT_TYPES) expect(webhooksTag.description).toContain(type);
  });

  it("treats a Last-Event-ID ahead of the session's sequence as from now: live events follow, ids ≤ 16 digits", async () => {
    const { visitorId, sessionId } = await newSession();
    const url = `${target().baseUrl}/api/chats/sessions/${sessionId}/events/?visitor_id=${visitorId}`;
    const ways: Record<string, string>[] = [{ "last-event-id": "9999999999999999" }, {}];
    for (const headers of ways) {
      const query = "last-event-id" in headers ? "" : "&last_event_id=9999999999999999";
      const stream = await openSse(url + query, headers);
      expect(stream.response.status).toBe(200);
      const renamed = await call("PATCH", `/api/chats/sessions/${sessionId}/`, {
        visitor_id: visitorId,
        title: `Renamed ${query ? "by query" : "by header"}`,
      });
      expect(renamed.status).toBe(200);
      const [frame] = await stream.readUntil((got) => got.length === 1);
      await stream.close();
      expect(frame).toMatchObject({ event: "session.updated" });
      expect(frame!.id).toMatch(/^\d{1,16}$/);
      // Reconnecting with that id works (no 400).
      const again = await openSse(url, { "last-event-id": frame!.id! });
      expect(again.response.status).toBe(200);
      await again.close();
    }
  });
});
