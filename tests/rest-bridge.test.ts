import { createParser, type EventSourceMessage } from "eventsource-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDocumentChecker, type DocumentChecker } from "./helpers/openapi";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";
import { describeEachServer } from "./helpers/server";

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & {
    success?: boolean;
    message?: string;
    code?: string;
    data?: never;
    errors?: Record<string, string[]>;
  };
}

const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";

describeEachServer("REST bridge over HTTP (next start)", (target) => {
  let checker: DocumentChecker;

  /** A JSON call as a third party makes it; the answer is checked against the served OpenAPI document. */
  async function call(
    method: string,
    path: string,
    options: {
      json?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
      undocumented?: boolean;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.rawBody;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${target().baseUrl}${path}`, { method, headers, body, redirect: "manual" });
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const parsed = (await response.json()) as Answer["body"];
    if (!options.undocumented) checker.expectDeclared(method, path, response.status, parsed);
    expect(response.status, `never a 5xx: ${JSON.stringify(parsed)}`).toBeLessThan(500);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async function newVisitorAndSession(slash = "/") {
    const visitor = await call("POST", `/api/chats/visitors${slash}`, { json: {} });
    const visitorId = (visitor.body.data as unknown as { id: string }).id;
    const session = await call("POST", `/api/chats/sessions${slash}`, { json: { visitor_id: visitorId } });
    return { visitorId, sessionId: (session.body.data as unknown as { id: string }).id };
  }

  beforeAll(async () => {
    checker = await loadDocumentChecker(target().baseUrl);
  });

  describe("the OpenAPI document and Swagger UI", () => {
    it("lists the seed's paths with trailing slashes, tags in step order, and documents every operation", () => {
      const document = checker.document as {
        tags: { name: string; description: string }[];
        paths: Record<
          string,
          Record<string, { summary?: string; description?: string; responses: Record<string, unknown> }>
        >;
      };
      expect(document.tags.map((tag) => tag.name)).toEqual([
        "Visitors",
        "Sessions",
        "Messages",
        "Attachments",
        "Widget",
        "Admin",
        "Admin knowledge base",
        "Webhooks",
        "Admin inbox",
      ]);
      expect(document.tags.slice(0, 3).map((tag) => tag.description.slice(0, 6))).toEqual([
        "STEP 1",
        "STEP 2",
        "STEP 3",
      ]);
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          "/api/chats/visitors/",
          "/api/chats/visitors/{id}/validate/",
          "/api/chats/visitors/{id}/",
          "/api/chats/sessions/",
          "/api/chats/sessions/{id}/",
          "/api/chats/sessions/{id}/messages/",
          "/api/chats/messages/chat/",
          "/api/chats/messages/chat/stream/",
        ]),
      );
      for (const [path, item] of Object.entries(document.paths)) {
        expect(path.endsWith("/")).toBe(true);
        for (const [method, operation] of Object.entries(item)) {
          expect(operation.summary, `${method} ${path} summary`).toBeTruthy();
          expect(operation.description, `${method} ${path} description`).toBeTruthy();
          const statuses = Object.keys(operation.responses);
          expect(
            statuses.some((status) => status.startsWith("2")),
            `${method} ${path} success`,
          ).toBe(true);
          expect(
            statuses.some((status) => status.startsWith("4")),
            `${method} ${path} errors`,
          ).toBe(true);
        }
      }
      const stream = document.paths["/api/chats/messages/chat/stream/"]?.post as {
        responses: Record<string, { content: object }>;
      };
      expect(Object.keys(stream.responses["200"]!.content)).toEqual(["text/event-stream"]);
    });

    it("serves Swagger UI and its assets from the app itself", async () => {
      for (const path of ["/api/docs/", "/api/docs"]) {
        const page = await fetch(`${target().baseUrl}${path}`, { redirect: "manual" });
        expect(page.status).toBe(200);
        const html = await page.text();
        expect(html).toContain('id="swagger-ui"');
        expect(html).not.toMatch(/https?:\/\//);
      }
      for (const asset of ["swagger-ui.css", "swagger-ui-bundle.js", "init.js"]) {
        const response = await fetch(`${target().baseUrl}/api/docs/${asset}`);
        expect(response.status, asset).toBe(200);
        expect((await response.text()).length).toBeGreaterThan(20);
      }
    });
  });

  describe("the three steps", () => {
    for (const slash of ["/", ""]) {
      it(`works end to end ${slash ? "with" : "without"} trailing slashes, in the envelope`, async () => {
        const created = await call("POST", `/api/chats/visitors${slash}`, {
          json: { metadata: { locale: "fr-FR" } },
        });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({
          success: true,
          message: "Visitor created.",
          data: { metadata: { locale: "fr-FR" } },
        });
        expect(Object.keys(created.body).sort()).toEqual(["data", "message", "success"]);
        const visitorId = (created.body.data as unknown as { id: string }).id;

        const validated = await call("GET", `/api/chats/visitors/${visitorId}/validate${slash}`);
        expect(validated.status).toBe(200);
        expect(validated.body.data).toMatchObject({ valid: true, visitor: { id: visitorId } });

        const session = await call("POST", `/api/chats/sessions${slash}`, {
          json: { visitor_id: visitorId, title: "Help" },
        });
        expect(session.status).toBe(201);
        const sessionId = (session.body.data as unknown as { id: string }).id;

        const chat = await call("POST", `/api/chats/messages/chat${slash}`, {
          json: { message: "How do I embed the widget?", session_id: sessionId, visitor_id: visitorId },
        });
        expect(chat.status).toBe(200);
        const reply = chat.body.data as unknown as {
          user_message: { content: string };
          assistant_message: { content: string; status: string };
        };
        expect(reply.user_message.content).toBe("How do I embed the widget?");
        expect(reply.assistant_message.status).toBe("complete");
        expect(reply.assistant_message.content).toMatch(/embed/i);

        const listed = await call("GET", `/api/chats/sessions${slash}?visitor_id=${visitorId}&limit=10`);
        expect(
          (listed.body.data as unknown as { items: { id: string }[] }).items.map((item) => item.id),
        ).toEqual([sessionId]);

        const messages = await call(
          "GET",
          `/api/chats/sessions/${sessionId}/messages${slash}?visitor_id=${visitorId}`,
        );
        expect((messages.body.data as unknown as { items: unknown[] }).items).toHaveLength(2);

        const renamed = await call("PATCH", `/api/chats/sessions/${sessionId}${slash}`, {
          json: { visitor_id: visitorId, title: "Embedding" },
        });
        expect(renamed.body.data).toMatchObject({ title: "Embedding" });
        const fetched = await call("GET", `/api/chats/sessions/${sessionId}${slash}?visitor_id=${visitorId}`);
        expect(fetched.body.data).toMatchObject({ id: sessionId, title: "Embedding" });

        const deleted = await call(
          "DELETE",
          `/api/chats/sessions/${sessionId}${slash}?visitor_id=${visitorId}`,
        );
        expect(deleted.body).toMatchObject({ success: true, data: { id: sessionId, deleted: true } });
        const gone = await call("GET", `/api/chats/sessions/${sessionId}${slash}?visitor_id=${visitorId}`);
        expect(gone.status).toBe(404);
      });
    }

    it("creates a visitor from an empty POST (no body, no content type)", async () => {
      const created = await call("POST", "/api/chats/visitors/");
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({ metadata: {} });
    });

    it("takes a JSON body sent as application/*+json, with a charset, as the same JSON", async () => {
      for (const type of ["application/vnd.api+json", "application/json; charset=utf-8"]) {
        const created = await call("POST", "/api/chats/visitors/", {
          json: { metadata: { via: type } },
          headers: { "content-type": type },
        });
        expect(created.status).toBe(201);
        expect(created.body.data).toMatchObject({ metadata: { via: type } });
      }
    });

    it("hands each concurrent call its own body and query (the bridge's core is shared)", async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          call("POST", "/api/chats/visitors/", { json: { metadata: { index } } }),
        ),
      );
      expect(
        answers.map((answer) => (answer.body.data as unknown as { metadata: unknown }).metadata),
      ).toEqual(Array.from({ length: 20 }, (_, index) => ({ index })));
      const ids = answers.map((answer) => (answer.body.data as unknown as { id: string }).id);
      const validated = await Promise.all(
        ids.map((id) => call("GET", `/api/chats/visitors/${id}/validate/`)),
      );
      expect(
        validated.map((answer) => (answer.body.data as unknown as { visitor: { id: string } }).visitor.id),
      ).toEqual(ids);
    });
  });

  describe("streaming (Server-Sent Events)", () => {
    it("sends the stored ids first, then deltas that add up to the stored reply, then done", async () => {
      const { visitorId, sessionId } = await newVisitorAndSession();
      const response = await fetch(`${target().baseUrl}/api/chats/messages/chat/stream/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          message: "How do I embed the widget?",
          session_id: sessionId,
          visitor_id: visitorId,
        }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const events: EventSourceMessage[] = [];
      const parser = createParser({ onEvent: (event) => events.push(event) });
      const decoder = new TextDecoder();
      let reads = 0;
      for await (const chunk of response.body!) {
        reads += 1;
        parser.feed(decoder.decode(chunk, { stream: true }));
      }
      expect(reads, "the body arrived in several network reads, not one buffer").toBeGreaterThan(2);
      const types = events.map((event) => event.event);
      expect(types[0]).toBe("start");
      expect(types.at(-1)).toBe("done");
      expect(types.slice(1, -1).every((type) => type === "delta")).toBe(true);
      expect(types.length).toBeGreaterThan(5);

      const start = JSON.parse(events[0]!.data) as {
        user_message: { id: string };
        assistant_message: { id: string; status: string };
      };
      expect(start.assistant_message.status).toBe("streaming");
      const text = events
        .filter((event) => event.event === "delta")
        .map((event) => (JSON.parse(event.data) as { text: string }).text)
        .join("");
      const done = JSON.parse(events.at(-1)!.data) as {
        assistant_message: { id: string; content: string; status: string };
      };
      expect(done.assistant_message).toMatchObject({
        id: start.assistant_message.id,
        content: text,
        status: "complete",
      });
      const stored = await target().database.db.message.findUniqueOrThrow({
        where: { id: start.assistant_message.id },
      });
      expect(stored).toMatchObject({ content: text, status: "complete" });
      expect(await target().database.db.message.count({ where: { id: start.user_message.id } })).toBe(1);
    });

    it("completes and stores the reply when the client disconnects after the first event", async () => {
      const { visitorId, sessionId } = await newVisitorAndSession();
      const controller = new AbortController();
      const response = await fetch(`${target().baseUrl}/api/chats/messages/chat/stream`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          message: "where is my data stored",
          session_id: sessionId,
          visitor_id: visitorId,
        }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      const deadline = Date.now() + 10_000;
      let assistant;
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        assistant = await target().database.db.message.findFirst({
          where: { session_id: sessionId, role: "assistant" },
        });
      } while (assistant?.status !== "complete" && Date.now() < deadline);
      expect(assistant?.status).toBe("complete");
      expect(assistant?.content).toMatch(/stor/i);
    });

    it("refuses bad requests before streaming, as JSON errors", async () => {
      const { visitorId, sessionId } = await newVisitorAndSession();
      const other = await newVisitorAndSession();
      const cases: [unknown, number, string][] = [
        [{ session_id: sessionId, visitor_id: visitorId }, 400, "VALIDATION_FAILED"],
        [{ message: "hi", session_id: sessionId }, 400, "VALIDATION_FAILED"],
        [
          { message: "hi", session_id: sessionId, visitor_id: other.visitorId },
          403,
          "SESSION_OF_ANOTHER_VISITOR",
        ],
        [{ message: "hi", session_id: UNKNOWN_UUID, visitor_id: visitorId }, 404, "SESSION_NOT_FOUND"],
      ];
      for (const [json, status, code] of cases) {
        const answer = await call("POST", "/api/chats/messages/chat/stream/", { json });
        expect(answer.status).toBe(status);
        expect(answer.body).toMatchObject({ success: false, code });
      }
    });
  });

  describe("errors", () => {
    it("explains a missing visitor_id and points to creating a visitor first", async () => {
      const answer = await call("POST", "/api/chats/sessions/", { json: {} });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ success: false, code: "VALIDATION_FAILED" });
      expect(answer.body.message).toMatch(/Create a visitor with POST \/api\/chats\/visitors\/ first/);
      expect(answer.body.errors?.visitor_id?.[0]).toMatch(/visitor_id is required/);
    });

    it("answers 404 with data.valid false for unknown or malformed visitor ids (no Http404 bug)", async () => {
      for (const id of [UNKNOWN_UUID, "not-a-uuid", "%20"]) {
        const answer = await call("GET", `/api/chats/visitors/${id}/validate/`);
        expect(answer.status).toBe(404);
        expect(answer.body).toMatchObject({
          success: false,
          code: "VISITOR_NOT_FOUND",
          data: { valid: false },
        });
        expect(answer.body.message).toMatch(/Create one with POST \/api\/chats\/visitors\//);
      }
    });

    it("refuses another visitor's session with 403 and changes nothing", async () => {
      const owner = await newVisitorAndSession();
      const intruder = await newVisitorAndSession();
      const path = `/api/chats/sessions/${owner.sessionId}/`;
      for (const [method, json, query] of [
        ["GET", undefined, `?visitor_id=${intruder.visitorId}`],
        ["PATCH", { visitor_id: intruder.visitorId, title: "mine" }, ""],
        ["DELETE", undefined, `?visitor_id=${intruder.visitorId}`],
      ] as const) {
        const answer = await call(method, `${path}${query}`, { json });
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ success: false, code: "SESSION_OF_ANOTHER_VISITOR" });
      }
      const chat = await call("POST", "/api/chats/messages/chat/", {
        json: { message: "hi", session_id: owner.sessionId, visitor_id: intruder.visitorId },
      });
      expect(chat.status).toBe(403);
      expect(await target().database.db.session.count({ where: { id: owner.sessionId } })).toBe(1);
    });

    it("gives clear 4xx answers to wrong content types, malformed JSON, unknown fields and huge bodies", async () => {
      const { visitorId, sessionId } = await newVisitorAndSession();
      const wrongType = await call("POST", "/api/chats/sessions/", {
        rawBody: `visitor_id=${visitorId}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");

      const malformed = await call("POST", "/api/chats/sessions/", {
        rawBody: '{"visitor_id": ',
        headers: { "content-type": "application/json" },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe("MALFORMED_JSON");

      const unknownField = await call("POST", "/api/chats/sessions/", {
        json: { visitor_id: visitorId, colour: "red" },
      });
      expect(unknownField.status).toBe(400);
      expect(JSON.stringify(unknownField.body.errors)).toMatch(/colour/);

      const huge = await call("POST", "/api/chats/messages/chat/", {
        json: { message: "x".repeat(200_000), session_id: sessionId, visitor_id: visitorId },
      });
      expect(huge.status).toBe(413);
      expect(huge.body.code).toBe("PAYLOAD_TOO_LARGE");

      const tooLong = await call("POST", "/api/chats/messages/chat/", {
        json: { message: "x".repeat(4001), session_id: sessionId, visitor_id: visitorId },
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.errors?.message?.[0]).toMatch(/at most 4000 characters/);

      const wrongTypes = await call("POST", "/api/chats/messages/chat/", {
        json: { message: 42, session_id: [1], visitor_id: null },
      });
      expect(wrongTypes.status).toBe(400);
      expect(Object.keys(wrongTypes.body.errors ?? {}).sort()).toEqual([
        "message",
        "session_id",
        "visitor_id",
      ]);

      const badMetadata = await call("POST", "/api/chats/visitors/", {
        json: { metadata: "x".repeat(9000) },
      });
      expect(badMetadata.status).toBe(400);

      expect(await target().database.db.message.count({ where: { session_id: sessionId } })).toBe(0);
    });

    it("answers unknown routes with a 404 envelope", async () => {
      const answer = await call("GET", "/api/chats/nothing-here/", { undocumented: true });
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ success: false, code: "ROUTE_NOT_FOUND" });
    });
  });

  describe("admin endpoints", () => {
    it("refuse a missing or wrong key and list visitors with the right one", async () => {
      const { visitorId } = await newVisitorAndSession();
      const refused: Record<string, string>[] = [
        {},
        { authorization: "Bearer wrong-key-wrong-key-wrong" },
        { authorization: TEST_ADMIN_API_KEY },
      ];
      for (const headers of refused) {
        for (const path of ["/api/chats/visitors/", `/api/chats/visitors/${visitorId}/`]) {
          const answer = await call("GET", path, { headers });
          expect(answer.status).toBe(401);
          expect(answer.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
          expect(JSON.stringify(answer.body)).not.toContain(visitorId);
        }
      }
      const auth = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };
      const list = await call("GET", `/api/chats/visitors/?search=${visitorId}`, { headers: auth });
      expect(list.status).toBe(200);
      expect((list.body.data as unknown as { items: { id: string; session_count: number }[] }).items).toEqual(
        [expect.objectContaining({ id: visitorId, session_count: 1 })],
      );
      const detail = await call("GET", `/api/chats/visitors/${visitorId}/`, { headers: auth });
      expect(detail.body.data).toMatchObject({
        id: visitorId,
        session_count: 1,
        sessions: [expect.any(Object)],
      });
      const missing = await call("GET", `/api/chats/visitors/${UNKNOWN_UUID}/`, { headers: auth });
      expect(missing.status).toBe(404);
    });

    it("finds visitors by text in their metadata", async () => {
      const marker = `campaign-${Date.now()}`;
      await call("POST", "/api/chats/visitors/", { json: { metadata: { utm: marker.toUpperCase() } } });
      const list = await call("GET", `/api/chats/visitors/?search=${marker}`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
      });
      const items = (list.body.data as unknown as { items: { metadata: { utm: string } }[] }).items;
      expect(items.map((item) => item.metadata.utm)).toEqual([marker.toUpperCase()]);
    });
  });
});
