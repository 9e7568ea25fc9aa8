/**
 * The error table (src/server/errors/app-error.ts) is the only place errors are worded, and each transport's
 * converter answers every entry with its kind's status and code.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatTRPCError, toTRPCError } from "~/server/api/errors";
import {
  APP_ERRORS,
  AppError,
  ERROR_KINDS,
  errorMessage,
  fieldErrorsOf,
  type AppErrorId,
} from "~/server/errors/app-error";
import { RateLimitedError } from "~/server/protection/rate-limits";
import { toRestError } from "~/server/rest/errors";

const ROOT = path.resolve(import.meta.dirname, "..");
const TABLE_FILE = "src/server/errors/app-error.ts";
const IDS = Object.keys(APP_ERRORS) as AppErrorId[];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return relative === path.join("src", "generated") ? [] : sourceFiles(relative);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [relative] : [];
  });
}

const SOURCES = new Map(
  sourceFiles("src").map((file) => [file, readFileSync(path.join(ROOT, file), "utf8")]),
);

/** The literal parts of a message (around its `{placeholders}`) long enough to be wording, not a word. */
function fragments(message: string): string[] {
  return message
    .split(/\{\w+\}/)
    .map((part) => part.trim())
    .filter((part) => part.length >= 12);
}

/** An instance of each entry, with a value for each placeholder. */
function instanceOf(id: AppErrorId): AppError {
  const names = [...APP_ERRORS[id].message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const params = Object.fromEntries(names.map((name) => [name, "x"]));
  const construct = AppError as unknown as new (id: AppErrorId, options?: { params?: object }) => AppError;
  return new construct(id, names.length > 0 ? { params } : undefined);
}

/** Public behaviour, pinned: status and tRPC code of each entry. */
const EXPECTED: Record<AppErrorId, [status: number, trpcCode: string]> = {
  VALIDATION_FAILED: [400, "BAD_REQUEST"],
  LONE_SURROGATE: [400, "BAD_REQUEST"],
  CONTROL_CHARACTER: [400, "BAD_REQUEST"],
  DATABASE_NOT_MIGRATED: [503, "SERVICE_UNAVAILABLE"],
  UNAUTHORIZED: [401, "UNAUTHORIZED"],
  SESSION_OF_ANOTHER_VISITOR: [403, "FORBIDDEN"],
  VISITOR_NOT_FOUND: [404, "NOT_FOUND"],
  SESSION_NOT_FOUND: [404, "NOT_FOUND"],
  MESSAGE_NOT_FOUND: [404, "NOT_FOUND"],
  NOT_AN_ASSISTANT_MESSAGE: [400, "BAD_REQUEST"],
  REPLY_NOT_RETRYABLE: [409, "CONFLICT"],
  INVALID_CURSOR: [400, "BAD_REQUEST"],
  API_KEY_REVOKED: [401, "UNAUTHORIZED"],
  API_KEY_NOT_FOUND: [404, "NOT_FOUND"],
  ADMIN_ONLY: [403, "FORBIDDEN"],
  USER_NOT_FOUND: [404, "NOT_FOUND"],
  USER_EMAIL_TAKEN: [409, "CONFLICT"],
  LAST_ADMIN: [409, "CONFLICT"],
  USER_DISABLED: [403, "FORBIDDEN"],
  INVITE_INVALID: [404, "NOT_FOUND"],
  CANNED_RESPONSE_NOT_FOUND: [404, "NOT_FOUND"],
  CANNED_SHORTCUT_TAKEN: [409, "CONFLICT"],
  API_KEYS_NEED_SIGN_IN: [403, "FORBIDDEN"],
  INVALID_DATE_RANGE: [400, "BAD_REQUEST"],
  REPLY_FAILED: [502, "BAD_GATEWAY"],
  RATE_LIMITED: [429, "TOO_MANY_REQUESTS"],
  TOO_MANY_ATTEMPTS: [429, "TOO_MANY_REQUESTS"],
  INTERNAL_ERROR: [500, "INTERNAL_SERVER_ERROR"],
  SERVICE_UNAVAILABLE: [503, "SERVICE_UNAVAILABLE"],
  MALFORMED_JSON: [400, "BAD_REQUEST"],
  MALFORMED_PATH: [400, "BAD_REQUEST"],
  ROUTE_NOT_FOUND: [404, "NOT_FOUND"],
  METHOD_NOT_ALLOWED: [405, "METHOD_NOT_SUPPORTED"],
  CHAT_STREAM_METHOD_NOT_ALLOWED: [405, "METHOD_NOT_SUPPORTED"],
  PAYLOAD_TOO_LARGE: [413, "PAYLOAD_TOO_LARGE"],
  UNSUPPORTED_MEDIA_TYPE: [415, "UNSUPPORTED_MEDIA_TYPE"],
  BATCH_TOO_LARGE: [400, "BAD_REQUEST"],
  STREAMING_LINK_REQUIRED: [400, "BAD_REQUEST"],
  CROSS_SITE_ADMIN_REQUEST: [403, "FORBIDDEN"],
  // Operations (issue 15).
  METRICS_UNAUTHORIZED: [401, "UNAUTHORIZED"],
  INBOUND_EMAIL_UNAUTHORIZED: [401, "UNAUTHORIZED"],
  INBOUND_EMAIL_NOT_MIME: [415, "UNSUPPORTED_MEDIA_TYPE"],
  INBOUND_EMAIL_UNKNOWN_RECIPIENT: [404, "NOT_FOUND"],
  INBOUND_EMAIL_EMPTY: [400, "BAD_REQUEST"],
  EMAIL_STOP_UNKNOWN_TOKEN: [404, "NOT_FOUND"],
  EMAIL_ALERTS_NEED_SIGN_IN: [403, "FORBIDDEN"],
  ANSWER_TEST_SUITE_NOT_FOUND: [404, "NOT_FOUND"],
  ANSWER_TEST_SUITE_LIMIT: [409, "CONFLICT"],
  ANSWER_TEST_SUITE_EMPTY: [409, "CONFLICT"],
  KNOWLEDGE_ARTICLE_NOT_FOUND: [404, "NOT_FOUND"],
  KNOWLEDGE_SLUG_TAKEN: [409, "CONFLICT"],
  KNOWLEDGE_IMPORT_REFUSED: [400, "BAD_REQUEST"],
  KNOWLEDGE_IMPORT_TOO_LARGE: [413, "PAYLOAD_TOO_LARGE"],
  ATTACHMENT_TOO_LARGE: [413, "PAYLOAD_TOO_LARGE"],
  ATTACHMENT_UNSUPPORTED_TYPE: [415, "UNSUPPORTED_MEDIA_TYPE"],
  ATTACHMENT_NOT_FOUND: [404, "NOT_FOUND"],
  ATTACHMENT_NOT_ATTACHABLE: [400, "BAD_REQUEST"],
  KNOWLEDGE_IMPORT_FAILED: [502, "BAD_GATEWAY"],
  KNOWLEDGE_IMPORT_UNSUPPORTED_FILE: [415, "UNSUPPORTED_MEDIA_TYPE"],
  KNOWLEDGE_IMPORT_EMPTY: [400, "BAD_REQUEST"],
  FEEDBACK_ON_VISITOR_MESSAGE: [400, "BAD_REQUEST"],
  REPLY_NOT_FINISHED: [409, "CONFLICT"],
  // Privacy (issue 14)
  VISITOR_ID_MISMATCH: [403, "FORBIDDEN"],
  IDENTITY_NOT_CONFIGURED: [400, "BAD_REQUEST"],
  IDENTITY_HASH_INVALID: [401, "UNAUTHORIZED"],
  IDENTITY_REQUIRED: [403, "FORBIDDEN"],
  METADATA_TOO_LARGE: [400, "BAD_REQUEST"],
  // Webhooks
  WEBHOOK_NOT_FOUND: [404, "NOT_FOUND"],
  WEBHOOK_DELIVERY_NOT_FOUND: [404, "NOT_FOUND"],
  WEBHOOK_URL_NOT_ALLOWED: [400, "BAD_REQUEST"],
  WEBHOOK_URL_UNRESOLVABLE: [400, "BAD_REQUEST"],
  WEBHOOK_DISABLED: [409, "CONFLICT"],
  TRANSCRIPT_EMAIL_REQUIRED: [400, "BAD_REQUEST"],
  SESSION_CLOSED: [409, "CONFLICT"],
  SESSION_CLAIMED_BY_ANOTHER_AGENT: [409, "CONFLICT"],
  SESSION_NOT_CLAIMED: [409, "CONFLICT"],
};

// No source file repeats an error's words. (The widget's English catalogue, messages/en.json — outside src/ — says
// what REPLY_FAILED says in the visitor's language; tests/widget-strings.test.ts pins the English copy equal.)

describe("the error table is the only source of error wording", () => {
  it.each(IDS)("%s is worded only in the table", (id) => {
    const parts = fragments(APP_ERRORS[id].message);
    expect(parts.length, `${id} has no literal wording to look for`).toBeGreaterThan(0);
    for (const part of parts) {
      const holders = [...SOURCES].filter(([, text]) => text.includes(part)).map(([file]) => file);
      expect(holders, `"${part}"`).toEqual([TABLE_FILE]);
    }
  });

  it("routers declare the errors they raise instead of describing them", () => {
    for (const [file, text] of SOURCES) {
      if (file.startsWith(path.join("src", "server", "api", "routers"))) {
        expect(text, file).not.toMatch(/errorResponses/);
      }
    }
  });

  it("error bodies are built only by the REST converter, TRPCErrors only by the tRPC converter", () => {
    for (const [file, text] of SOURCES) {
      if (file !== path.join("src", "server", "rest", "errors.ts"))
        expect(text, file).not.toMatch(/success:\s*false,\s*\w+:/);
      if (file !== path.join("src", "server", "api", "errors.ts"))
        expect(text, file).not.toMatch(/new TRPCError\(/);
    }
  });

  it("pins every entry's status and tRPC code", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...IDS].sort());
    for (const id of IDS) {
      const kind = ERROR_KINDS[APP_ERRORS[id].kind];
      expect([kind.httpStatus, kind.trpcCode], id).toEqual(EXPECTED[id]);
    }
  });
});

describe("REST converter", () => {
  it.each(IDS)("answers %s with its status, code and message", (id) => {
    const error = instanceOf(id);
    const rest = toRestError(error);
    expect(rest.status).toBe(EXPECTED[id][0]);
    expect(rest.body).toMatchObject({ success: false, code: error.code, message: error.message });
    // As trpc-to-openapi hands it over: the tRPC converter's TRPCError, the AppError as its cause.
    expect(toRestError(toTRPCError(error))).toEqual(rest);
  });

  it("keeps the public code of entries that share one", () => {
    expect(toRestError(new AppError("CHAT_STREAM_METHOD_NOT_ALLOWED")).body.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("a camelCase key of a snake_case field gets 'did you mean …?'", () => {
    const schema = z.strictObject({ visitor_id: z.string(), session_id: z.string(), message: z.string() });
    const sent = { visitorId: "x", session_id: "y", message: "hi", sessionName: "z" };
    const message = toRestError(schema.safeParse(sent).error!).body.message;
    expect(message).toContain("visitorId: did you mean visitor_id?");
    expect(message).not.toContain("sessionName: did you mean"); // no session_name field: no guess
  });

  it("lists each field's problems for validation errors, also through a TRPCError", () => {
    const zodError = z.strictObject({ visitor_id: z.string() }).safeParse({}).error!;
    const rest = toRestError(zodError);
    expect(rest).toEqual({
      status: 400,
      body: {
        success: false,
        code: "VALIDATION_FAILED",
        message: `Invalid input: ${zodError.issues[0]!.path[0] as string}: ${zodError.issues[0]!.message}`,
        errors: { visitor_id: [zodError.issues[0]!.message] },
      },
    });
    expect(toRestError(new TRPCError({ code: "BAD_REQUEST", cause: zodError }))).toEqual(rest);
  });

  it("adds the procedure's data to the given errors only", () => {
    const data = { VISITOR_NOT_FOUND: { valid: false } };
    expect(toRestError(new AppError("VISITOR_NOT_FOUND"), data).body.data).toEqual({ valid: false });
    expect(toRestError(new AppError("SESSION_NOT_FOUND"), data).body.data).toBeUndefined();
  });

  it("sends Retry-After and RateLimit-* with a 429, Retry-After with a 503", () => {
    expect(toRestError(new RateLimitedError(30, 60, 12)).headers).toMatchObject({
      "retry-after": "12",
      "ratelimit-policy": "30;w=60",
    });
    const down = toRestError(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    expect(down).toMatchObject({ status: 503, headers: { "retry-after": "5" } });
    expect(down.body.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("answers trpc-to-openapi's own errors from the table, and anything else as a 500 revealing nothing", () => {
    expect(toRestError(new TRPCError({ code: "NOT_FOUND", message: "Not found" }))).toMatchObject({
      status: 404,
      body: { code: "ROUTE_NOT_FOUND", message: errorMessage("ROUTE_NOT_FOUND") },
    });
    for (const fault of [new Error("secret detail"), new TRPCError({ code: "BAD_REQUEST", message: "x" })]) {
      expect(toRestError(fault)).toEqual({
        status: 500,
        body: { success: false, code: "INTERNAL_ERROR", message: errorMessage("INTERNAL_ERROR") },
      });
    }
  });
});

describe("tRPC converter", () => {
  it.each(IDS)("turns %s into its tRPC code, which tRPC over HTTP answers with the same status", (id) => {
    const trpcError = toTRPCError(instanceOf(id))!;
    expect(trpcError.code).toBe(EXPECTED[id][1]);
    expect(getHTTPStatusCodeFromError(trpcError)).toBe(EXPECTED[id][0]);
  });

  it("leaves real faults alone and reports a database that is down as SERVICE_UNAVAILABLE", () => {
    expect(toTRPCError(new Error("boom"))).toBeUndefined();
    expect(toTRPCError(new Error("connect ECONNREFUSED 127.0.0.1:5432"))?.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("formats domain codes, field errors and faults as before", () => {
    const shapeOf = (error: TRPCError) =>
      formatTRPCError({
        error,
        shape: {
          message: error.message,
          code: -32600,
          data: { code: error.code, httpStatus: getHTTPStatusCodeFromError(error), stack: "…" },
        },
      });
    expect(shapeOf(toTRPCError(new AppError("SESSION_OF_ANOTHER_VISITOR"))!).data).toMatchObject({
      code: "FORBIDDEN",
      domainCode: "SESSION_OF_ANOTHER_VISITOR",
      fieldErrors: null,
      stack: undefined,
    });
    expect(shapeOf(toTRPCError(new AppError("UNAUTHORIZED"))!).data.domainCode).toBeNull();
    const zodError = z.strictObject({ visitor_id: z.string() }).safeParse({}).error!;
    const invalid = shapeOf(new TRPCError({ code: "BAD_REQUEST", cause: zodError }));
    expect(invalid.data).toMatchObject({
      domainCode: "VALIDATION_FAILED",
      fieldErrors: { visitor_id: [expect.any(String)] },
    });
    expect(invalid.message).toMatch(/^Invalid input: visitor_id/);
    const fault = shapeOf(new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "secret detail" }));
    expect(fault.message).toBe(errorMessage("INTERNAL_ERROR"));
  });
});

describe("field errors", () => {
  it("reports unknown fields named like Object's own members under their names (no 500)", () => {
    const schema = z.strictObject({ visitor_id: z.string() });
    const input = JSON.parse('{"visitor_id":"v","toString":"{}","constructor":1,"__proto__":{"x":1}}');
    const result = schema.safeParse(input);
    expect(result.success).toBe(false);
    const fields = fieldErrorsOf(result.error!);
    for (const name of ["toString", "constructor", "__proto__"]) {
      expect(Object.hasOwn(fields, name), name).toBe(true);
      expect(fields[name]).toEqual([`Unrecognized key: "${name}"`]);
    }
    expect(JSON.parse(JSON.stringify(fields))).toHaveProperty(["__proto__"]);
  });
});
