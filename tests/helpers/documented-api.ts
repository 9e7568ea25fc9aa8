/**
 * For the HTTP suites (describeEachServer): a JSON client of the server under test whose every answer must be
 * what the served OpenAPI document declares, and an agent-scoped API key to call the admin routes with.
 */
import { createApiKey } from "~/server/admin/api-keys/api-keys.service";
import type { Database } from "~/server/db/client";
import type { Dialect } from "~/server/db/database-url";
import { ensureTestAdmin } from "../../testing/admin";
import { TEST_ADMIN_API_KEY } from "../../testing/test-env";
import { testDeps, TEST_BY } from "./deps";
import { loadDocumentChecker, type DocumentChecker } from "./openapi";

export type RequestHeaders = Record<string, string>;

/** The seeded admin key (every scope). */
export const ADMIN: RequestHeaders = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` };

export interface ApiAnswer {
  status: number;
  body: {
    success: boolean;
    code?: string;
    data?: unknown;
    errors?: { path?: string; field?: string; message: string }[];
  };
  /** The body as JSON text, to look for a word anywhere in it. */
  text: string;
}

/**
 * `call(method, path, body?, headers?)` against `target().baseUrl`, JSON in and out; `headers` default to
 * `defaultHeaders`. `open()` (in the suite's beforeAll) loads the document every answer is checked against.
 */
export function documentedApi(target: () => { baseUrl: string }, defaultHeaders: RequestHeaders = {}) {
  let checker: DocumentChecker | undefined;
  return {
    async open(): Promise<void> {
      checker = await loadDocumentChecker(target().baseUrl);
    },
    async call(
      method: string,
      path: string,
      body?: unknown,
      headers: RequestHeaders = defaultHeaders,
    ): Promise<ApiAnswer> {
      if (!checker) throw new Error("documentedApi: call open() in a beforeAll first");
      const response = await fetch(`${target().baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as ApiAnswer["body"];
      checker.expectDeclared(method, path, response.status, json);
      return { status: response.status, body: json, text: JSON.stringify(json) };
    },
  };
}

/** The headers of a new agent-scoped API key ("agent bridge"), created in the server's own database. */
export async function agentKeyHeaders(database: Database, dialect: Dialect): Promise<RequestHeaders> {
  const deps = testDeps({ db: database.db, dialect });
  const key = await createApiKey(
    deps,
    { name: "agent bridge", scopes: ["agent"] },
    await ensureTestAdmin(deps),
    TEST_BY,
  );
  return { authorization: `Bearer ${key.key}` };
}
