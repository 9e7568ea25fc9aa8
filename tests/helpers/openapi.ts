/**
 * Checks HTTP answers against the OpenAPI document the server serves, with real validators: the document
 * itself against the OpenAPI 3.1 schema (@seriousme/openapi-schema-validator), and each response body
 * against its operation's declared response for that status (openapi-backend, Ajv underneath).
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import addFormats from "ajv-formats";
import OpenAPIBackend, { type Document } from "openapi-backend";
import { expect } from "vitest";

export interface DocumentChecker {
  document: Record<string, unknown>;
  /** Fails the test unless `body` is what the document declares for `method path` answering `status`. */
  expectDeclared(method: string, path: string, status: number, body: unknown): void;
}

export async function loadDocumentChecker(baseUrl: string): Promise<DocumentChecker> {
  const document = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as Record<string, unknown>;
  const validation = await new Validator().validate(structuredClone(document) as never);
  expect(validation.errors ?? [], "the served OpenAPI document is valid OpenAPI 3.1").toEqual([]);
  expect(validation.valid).toBe(true);

  // quick: the document is checked above by a validator that knows OpenAPI 3.1 (openapi-backend checks 3.0).
  const api = new OpenAPIBackend({
    definition: structuredClone(document) as unknown as Document,
    validate: true,
    strict: false,
    quick: true,
    ignoreTrailingSlashes: false,
    // Formats (date-time, uuid, …) are checked too, not just types.
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  });
  await api.init();
  return {
    document,
    expectDeclared(method, path, status, body) {
      const url = new URL(path, baseUrl);
      // The document lists the seed's paths, with a trailing slash; both forms are served.
      const pathname = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
      const operation = api.router.matchOperation({ method, path: pathname, headers: {}, query: {} });
      expect(operation, `${method} ${pathname} is in the OpenAPI document`).toBeDefined();
      const declared = (operation?.responses ?? {}) as Record<string, unknown>;
      expect(Object.keys(declared), `${method} ${pathname} declares status ${status}`).toContain(
        String(status),
      );
      const result = api.validator.validateResponse(body, operation!, status);
      expect(result.errors ?? [], `${method} ${pathname} ${status} body matches the document`).toEqual([]);
    },
  };
}
