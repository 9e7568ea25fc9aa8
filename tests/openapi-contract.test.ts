/**
 * The OpenAPI document's contract beyond the bodies (tests/helpers/openapi.ts checks those over HTTP): the
 * headers clients rely on are declared, the transcript download declares what it returns, and the SSE events
 * are described where generators look. `npm run lint:openapi` lints the same document with Redocly.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { getOpenApiDocument } from "~/server/rest/openapi";

type Json = Record<string, unknown>;
const document = getOpenApiDocument() as {
  paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
  components: { headers: Record<string, Json>; schemas: Record<string, Json> };
};

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(structuredClone(document) as never);
    expect(result.errors ?? []).toEqual([]);
  });

  it("declares Retry-After on every 503 and Retry-After with RateLimit-* on every 429", () => {
    let seen = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const headers = (response.headers ?? {}) as Record<string, { $ref: string }>;
          if (status === "503" || status === "429") {
            seen += 1;
            expect(headers["Retry-After"]?.$ref, `${method} ${path} ${status}`).toBe(
              "#/components/headers/RetryAfter",
            );
          }
          if (status === "429")
            for (const name of ["Limit", "Remaining", "Reset", "Policy"])
              expect(headers[`RateLimit-${name}`]?.$ref, `${method} ${path} 429`).toBe(
                `#/components/headers/RateLimit${name}`,
              );
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
  });

  it("declares Content-Disposition and a 503 on the file downloads", () => {
    for (const path of ["/api/admin/exports/sessions/", "/api/admin/exports/sessions/{id}/"]) {
      const responses = document.paths[path]!.get!.responses;
      expect((responses["200"]!.headers as Json)["Content-Disposition"]).toEqual({
        $ref: "#/components/headers/ContentDisposition",
      });
      expect(responses["503"]).toBeDefined();
    }
  });

  it("lets the transcript download's exported_at through its schema", () => {
    const schema = document.components.schemas.TranscriptExport as { properties: Json; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["exported_at", "session", "visitor", "messages"]),
    );
    expect(schema.required).toContain("exported_at");
  });

  it("describes each SSE event's payload as a component, in a oneOf of frames", () => {
    const media = (
      document.paths["/api/chats/messages/chat/stream/"]!.post!.responses["200"]!.content as Record<
        string,
        { schema: { oneOf: { properties: { event: { const: string }; data: { $ref: string } } }[] } }
      >
    )["text/event-stream"]!;
    const frames = media.schema.oneOf.map((frame) => [
      frame.properties.event.const,
      frame.properties.data.$ref,
    ]);
    expect(frames).toEqual([
      ["start", "#/components/schemas/ChatStreamStart"],
      ["delta", "#/components/schemas/ChatStreamDelta"],
      ["done", "#/components/schemas/ChatStreamDone"],
      ["error", "#/components/schemas/ChatStreamError"],
    ]);
    for (const [, ref] of frames) expect(document.components.schemas[ref!.split("/").at(-1)!]).toBeDefined();
    expect(
      Object.keys((document.components.schemas.ChatStreamDelta as { properties: Json }).properties),
    ).toEqual(["text"]);
  });
});
