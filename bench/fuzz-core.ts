/**
 * Property-based requests to every REST endpoint (fast-check), shared by bench/fuzz.ts and tests/fuzz.test.ts.
 * Each case is one HTTP request built from: an endpoint (or a near-miss route), sometimes the wrong method, path
 * ids that are real, someone else's, random UUIDs or junk (unicode, huge, percent-escapes), query parameters
 * and JSON bodies with the right keys holding wrong types, arbitrary JSON, malformed or oversized bodies, wrong
 * content types and admin keys. Property: the server never answers 5xx, and every answer is the REST envelope
 * (`{ success: false, message, code }` for errors, `{ success: true, message, data }` for JSON successes; a
 * stream endpoint success is an SSE stream that ends with `done` or `error`).
 */
import http from "node:http";
import fc from "fast-check";
import { agent, dataOf, request } from "./lib";

export interface FuzzIds {
  visitorId: string;
  sessionId: string;
  otherSessionId: string;
  assistantMessageId: string;
  userMessageId: string;
  adminKey: string;
}

/** Creates two visitors with a session each and one chat turn, so some ids in the cases are real. */
export async function seedFuzzIds(baseUrl: string, adminKey: string): Promise<FuzzIds> {
  const visitor = dataOf<{ id: string }>(await request(baseUrl, "POST", "/api/chats/visitors/", {}));
  const other = dataOf<{ id: string }>(await request(baseUrl, "POST", "/api/chats/visitors/", {}));
  const session = dataOf<{ id: string }>(
    await request(baseUrl, "POST", "/api/chats/sessions/", { visitor_id: visitor.id }),
  );
  const otherSession = dataOf<{ id: string }>(
    await request(baseUrl, "POST", "/api/chats/sessions/", { visitor_id: other.id }),
  );
  const turn = dataOf<{ user_message: { id: string }; assistant_message: { id: string } }>(
    await request(baseUrl, "POST", "/api/chats/messages/chat/", {
      message: "How do I embed the widget?",
      session_id: session.id,
      visitor_id: visitor.id,
    }),
  );
  return {
    visitorId: visitor.id,
    sessionId: session.id,
    otherSessionId: otherSession.id,
    assistantMessageId: turn.assistant_message.id,
    userMessageId: turn.user_message.id,
    adminKey,
  };
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Every REST endpoint: its method, its path with `{id}` placeholders, and the fields it reads. */
const ENDPOINTS: { method: Method; path: string; fields: string[]; admin?: boolean }[] = [
  { method: "POST", path: "/api/chats/visitors/", fields: ["metadata"] },
  { method: "GET", path: "/api/chats/visitors/{id}/validate/", fields: [] },
  { method: "GET", path: "/api/chats/visitors/", fields: ["search", "cursor", "limit"], admin: true },
  { method: "GET", path: "/api/chats/visitors/{id}/", fields: [], admin: true },
  { method: "POST", path: "/api/chats/sessions/", fields: ["visitor_id", "title"] },
  { method: "GET", path: "/api/chats/sessions/", fields: ["visitor_id", "cursor", "limit"] },
  { method: "GET", path: "/api/chats/sessions/{id}/", fields: ["visitor_id"] },
  { method: "PATCH", path: "/api/chats/sessions/{id}/", fields: ["visitor_id", "title"] },
  { method: "DELETE", path: "/api/chats/sessions/{id}/", fields: ["visitor_id"] },
  {
    method: "GET",
    path: "/api/chats/sessions/{id}/messages/",
    fields: ["visitor_id", "cursor", "limit", "order"],
  },
  { method: "POST", path: "/api/chats/messages/chat/", fields: ["message", "session_id", "visitor_id"] },
  {
    method: "POST",
    path: "/api/chats/messages/chat/stream/",
    fields: ["message", "session_id", "visitor_id"],
  },
  { method: "POST", path: "/api/chats/messages/{id}/retry/", fields: ["visitor_id"] },
  { method: "POST", path: "/api/chats/messages/{id}/stop/", fields: ["visitor_id"] },
  { method: "POST", path: "/api/chats/messages/{id}/feedback/", fields: ["visitor_id", "rating", "comment"] },
  { method: "POST", path: "/api/chats/sessions/{id}/rating/", fields: ["visitor_id", "rating", "comment"] },
  { method: "GET", path: "/api/admin/gaps/", fields: ["days"], admin: true },
];

interface FuzzRequest {
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** For reporting. */
  endpoint: string;
}

const HUGE = [70_000, 100_000, 300_000];

/**
 * Malformed percent-escapes in a path (`/api/chats/visitors/%zz/validate`) are answered 500 by Next.js itself,
 * before any app code or route runs (see bench/RESULTS.md): generated only with `malformedPathEscapes`.
 */
const MALFORMED_ESCAPES = ["%", "%zz", "%E0%A4%A", "%C0%AF"];

function arbitraries(ids: FuzzIds, options: { malformedPathEscapes: boolean }) {
  const realIds = fc.constantFrom(
    ids.visitorId,
    ids.sessionId,
    ids.otherSessionId,
    ids.assistantMessageId,
    ids.userMessageId,
  );
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme", maxLength: 60 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom("", " ", "\u0000", "🙂".repeat(3000), "a".repeat(4001), "null", "undefined", "[]", "{}"),
  );
  const idLike = fc.oneof(
    { weight: 8, arbitrary: realIds },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: text },
    fc.constantFrom(
      "00000000-0000-0000-0000-000000000000",
      ids.visitorId.toUpperCase(),
      ` ${ids.sessionId} `,
    ),
  );
  const huge = fc
    .tuple(fc.constantFrom(...HUGE), fc.constantFrom("x", "é", "🙂"))
    .map(([length, unit]) => unit.repeat(length / unit.length));
  /** Any JSON value, weighted towards the wrong types for an id or a string field. */
  const value = fc.oneof(
    { weight: 4, arbitrary: idLike },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
    { weight: 1, arbitrary: fc.constantFrom(1e308, -1, 0, 2 ** 53 + 1, 101, 20) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
    },
  );
  const fieldName = (fields: string[]) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...fields, "visitor_id", "id") },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString") },
    );
  const pathId = fc.oneof(
    { weight: 5, arbitrary: idLike.map(encodeURIComponent) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "%00",
        "..",
        ".",
        "%2F",
        "a/b",
        "~",
        "%25zz",
        ...(options.malformedPathEscapes ? MALFORMED_ESCAPES : []),
      ),
    },
  );

  return fc
    .record({
      endpoint: fc.constantFrom(...ENDPOINTS),
      otherMethod: fc.option(fc.constantFrom<Method>("GET", "POST", "PATCH", "PUT", "DELETE"), { freq: 6 }),
      pathId,
      trailingSlash: fc.boolean(),
      pathSuffix: fc.option(fc.constantFrom("extra/", "..", "%20", "?", "#x", "x"), { freq: 10 }),
      seedFields: fc.integer({ min: 0, max: 1_000_000 }),
      // Fields of the body (or query) and their values.
      entries: fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), value), { maxLength: 3 }),
      extraKeys: fc.array(fc.tuple(fc.string({ maxLength: 8 }), value), { maxLength: 2 }),
      dropRequired: fc.boolean(),
      /** One case in four is well-formed except for one value, so the domain code runs too, not just validation. */
      nearlyValid: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      bodyKind: fc.constantFrom("fields", "fields", "fields", "json", "raw", "empty", "huge"),
      anyJson: fc.jsonValue({ maxDepth: 4 }),
      raw: fc.oneof(
        fc.string(),
        fc.constantFrom("{", '{"a":', "[1,2", "\u0000", '{"message": "x"}}', "true"),
      ),
      hugeText: huge,
      // Mostly JSON, so most cases get past the content-type check to validation and the domain.
      contentType: fc.constantFrom(
        "application/json",
        "application/json",
        "application/json",
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "application/vnd.api+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
      ),
      auth: fc.constantFrom("valid", "none", "wrong", "garbage"),
      fieldNames: fc.array(
        fieldName([
          "message",
          "session_id",
          "visitor_id",
          "title",
          "metadata",
          "cursor",
          "limit",
          "order",
          "search",
        ]),
        {
          minLength: 5,
          maxLength: 5,
        },
      ),
    })
    .map((c): FuzzRequest => {
      if (c.nearlyValid) {
        const ownId = c.endpoint.path.startsWith("/api/chats/visitors")
          ? ids.visitorId
          : c.endpoint.path.startsWith("/api/chats/sessions")
            ? ids.sessionId
            : ids.assistantMessageId;
        c = {
          ...c,
          otherMethod: null,
          pathSuffix: null,
          dropRequired: false,
          pathId: ownId,
          entries: c.entries.slice(0, 1),
          extraKeys: [],
          bodyKind: "fields",
          contentType: "application/json",
          auth: c.endpoint.admin ? "valid" : c.auth,
        };
      }
      const method = c.otherMethod ?? c.endpoint.method;
      let path = c.endpoint.path.replace("{id}", c.pathId);
      if (!c.trailingSlash) path = path.replace(/\/$/, "");
      if (c.pathSuffix) path += c.pathSuffix;
      // Build the fields: mostly the endpoint's own keys with real-or-wrong values.
      const fields: Record<string, unknown> = {};
      const names = [...c.endpoint.fields, ...c.fieldNames];
      if (!c.dropRequired) {
        if (c.endpoint.fields.includes("visitor_id")) fields.visitor_id = ids.visitorId;
        if (c.endpoint.fields.includes("session_id")) fields.session_id = ids.sessionId;
        if (c.endpoint.fields.includes("message")) fields.message = "Where is the embed code?";
      }
      for (const [index, fieldValue] of c.entries) fields[names[index % names.length] ?? "x"] = fieldValue;
      for (const [key, fieldValue] of c.extraKeys)
        if (Math.abs(c.seedFields) % 3 === 0) fields[key] = fieldValue;

      const headers: Record<string, string> = {};
      if (c.auth === "valid") headers.authorization = `Bearer ${ids.adminKey}`;
      if (c.auth === "wrong") headers.authorization = "Bearer wrong-key-wrong-key-wrong";
      if (c.auth === "garbage") headers.authorization = "Basic ✓✓✓".replace(/[^\x20-\x7e]/g, "?");

      let body: string | undefined;
      if (method === "GET" || method === "DELETE") {
        const query = new URLSearchParams();
        for (const [key, fieldValue] of Object.entries(fields))
          query.append(key, typeof fieldValue === "string" ? fieldValue : (JSON.stringify(fieldValue) ?? ""));
        const search = query.toString();
        if (search) path += (path.includes("?") ? "&" : "?") + search;
      } else {
        if (c.bodyKind === "fields") body = JSON.stringify(fields);
        else if (c.bodyKind === "json") body = JSON.stringify(c.anyJson);
        else if (c.bodyKind === "raw") body = c.raw;
        else if (c.bodyKind === "huge") body = JSON.stringify({ ...fields, message: c.hugeText });
        if (c.contentType) headers["content-type"] = c.contentType;
      }
      return { method, path, headers, body, endpoint: `${c.endpoint.method} ${c.endpoint.path}` };
    });
}

interface FuzzAnswer {
  status: number;
  contentType: string;
  location?: string;
  text: string;
}

/** Bodies over this are refused (413) by the REST bridge without being read. */
const OVERSIZED_BODY = 64 * 1024;

/** Marks an oversized request whose connection the server closed before the client saw its 413. */
const RESET_AFTER_OVERSIZED_BODY = "connection reset after an oversized body";

function sendOnce(
  baseUrl: string,
  fuzz: FuzzRequest,
  fresh: boolean,
  streamHeadersOnly = false,
): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${fuzz.path}`,
      {
        method: fuzz.method,
        agent: fresh ? false : agent,
        headers: {
          ...fuzz.headers,
          ...(fuzz.body !== undefined && { "content-length": Buffer.byteLength(fuzz.body) }),
        },
      },
      (res) => {
        const contentType = String(res.headers["content-type"] ?? "");
        // A live stream (an event subscription) never ends by itself: its status is the answer.
        if (streamHeadersOnly && contentType.startsWith("text/event-stream")) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, contentType, text: "" });
          return;
        }
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            location: res.headers.location,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    if (fuzz.body !== undefined) req.write(fuzz.body);
    req.end();
  });
}

/**
 * Sends a case. A connection reset is retried on a fresh connection (a reused keep-alive socket can be closed by
 * the server at the same moment); an oversized body may still be reset every time, because the server answers
 * 413 and closes without reading it while the client is still writing: that is recorded, not an error.
 */
export async function send(
  baseUrl: string,
  fuzz: FuzzRequest,
  streamHeadersOnly = false,
): Promise<FuzzAnswer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendOnce(baseUrl, fuzz, attempt > 0, streamHeadersOnly);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== "ECONNRESET" && code !== "EPIPE") || attempt >= 2) {
        if (
          (code === "ECONNRESET" || code === "EPIPE") &&
          Buffer.byteLength(fuzz.body ?? "") > OVERSIZED_BODY
        )
          return { status: 0, contentType: "", text: RESET_AFTER_OVERSIZED_BODY };
        throw error;
      }
    }
  }
}

/** Why an answer breaks the property, or undefined if it holds. */
export function violation(answer: FuzzAnswer): string | undefined {
  if (answer.status === 0 && answer.text === RESET_AFTER_OVERSIZED_BODY) return undefined;
  if (answer.status >= 500) return `status ${answer.status}`;
  // Next.js itself normalizes repeated slashes (`/api/chats/visitors//`) with a 308 before any route runs.
  if (answer.status >= 300 && answer.status < 400)
    return answer.location ? undefined : "redirect without location";
  // Node's HTTP parser refuses a request line/headers over 16 KB (a huge path id) before any app code runs.
  if (answer.status === 431) return undefined;
  if (answer.contentType.startsWith("text/event-stream")) {
    if (answer.status !== 200) return `event stream with status ${answer.status}`;
    const events = [...answer.text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    const last = events.at(-1);
    return last === "done" || last === "error" ? undefined : `stream ended with ${last ?? "nothing"}`;
  }
  if (!answer.contentType.startsWith("application/json")) return `content-type "${answer.contentType}"`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return "body is not JSON";
  }
  if (typeof body !== "object" || body === null) return "body is not an object";
  if (typeof body.message !== "string" || body.message === "") return "no message";
  if (answer.status >= 400) {
    if (body.success !== false) return "error without success: false";
    if (typeof body.code !== "string" || !/^[A-Z_]+$/.test(body.code)) return "error without a code";
    if (body.errors !== undefined && (typeof body.errors !== "object" || body.errors === null))
      return "errors is not an object";
    return undefined;
  }
  if (body.success !== true || !("data" in body)) return "success without success: true and data";
  return undefined;
}

interface FuzzReport {
  cases: number;
  byStatus: Map<number, number>;
  byEndpoint: Map<string, number>;
  ms: number;
}

/** Runs `numRuns` cases (deterministic for a seed); throws fast-check's report on the first counterexample. */
export async function runFuzz(options: {
  baseUrl: string;
  ids: FuzzIds;
  numRuns: number;
  seed: number;
  malformedPathEscapes?: boolean;
}): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, byStatus: new Map(), byEndpoint: new Map(), ms: 0 };
  const started = performance.now();
  const result = await fc.check(
    fc.asyncProperty(
      arbitraries(options.ids, { malformedPathEscapes: options.malformedPathEscapes ?? false }),
      async (fuzz) => {
        let answer: FuzzAnswer;
        try {
          answer = await send(options.baseUrl, fuzz);
        } catch (error) {
          throw new Error(
            `${String(error)}: ${fuzz.method} ${fuzz.path.slice(0, 300)} ${JSON.stringify(fuzz.headers)} body(${fuzz.body?.length ?? 0})=${fuzz.body?.slice(0, 200)}`,
          );
        }
        report.cases++;
        report.byStatus.set(answer.status, (report.byStatus.get(answer.status) ?? 0) + 1);
        report.byEndpoint.set(fuzz.endpoint, (report.byEndpoint.get(fuzz.endpoint) ?? 0) + 1);
        // Dot-segments in a generated id can climb out of the REST bridge (`/api/chats/sessions/../..` is `/api`):
        // such a request is no longer to a REST endpoint, so only "never a 5xx" applies to it.
        const outside = !new URL(fuzz.path, "http://host").pathname.startsWith("/api/chats");
        const problem = outside
          ? answer.status >= 500
            ? `status ${answer.status}`
            : undefined
          : violation(answer);
        if (problem) {
          throw new Error(
            `${problem}: ${fuzz.method} ${fuzz.path.slice(0, 300)} ${JSON.stringify(fuzz.headers)} body=${fuzz.body?.slice(0, 300)}\n→ ${answer.status} ${answer.text.slice(0, 300)}`,
          );
        }
      },
    ),
    { numRuns: options.numRuns, seed: options.seed },
  );
  if (result.failed) {
    // fast-check's own report prints the whole (possibly 300 KB) counterexample: keep it short.
    const cause =
      result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    throw new Error(
      `fuzz property failed after ${result.numRuns} cases (seed ${result.seed}, path ${result.counterexamplePath}):\n${cause.slice(0, 1500)}`,
    );
  }
  report.ms = performance.now() - started;
  return report;
}

/**
 * Every route of a running server, from its own route tables (not a hand-picked list): the REST paths and
 * methods of its OpenAPI document (procedures with REST meta and the REST-only routes), every tRPC procedure
 * (given: the router's table), the pages and route files of the build (Next.js's app-path-routes-manifest.json:
 * pages, /admin, /help, /api/docs, /api/auth, /api/metrics …) and Better Auth's endpoints under /api/auth.
 */
export interface RouteTables {
  rest: { method: Method; path: string }[];
  trpc: string[];
  pages: string[];
}

export async function routeTablesOf(
  baseUrl: string,
  trpcProcedures: readonly string[],
  appRoutes: Record<string, string>,
): Promise<RouteTables> {
  const document = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const rest = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .map((method) => method.toUpperCase())
      .filter((method): method is Method => ["GET", "POST", "PATCH", "PUT", "DELETE"].includes(method))
      .map((method) => ({ method, path })),
  );
  return { rest, trpc: [...trpcProcedures], pages: [...new Set(Object.values(appRoutes))] };
}

/** Better Auth's endpoints the sign-in page and sessions use (its catch-all route serves them). */
const AUTH_PATHS = [
  "/api/auth/sign-in/email",
  "/api/auth/sign-out",
  "/api/auth/get-session",
  "/api/auth/ok",
  "/api/auth/unknown",
];

/** What a path parameter becomes: real ids, other ids, junk, NUL, bad percent-encoding. */
const HOSTILE_SEGMENTS = ["%ff", "%", "%zz", "%E0%A4%A", "%C0%AF", "%00", "a%00b", "%0d%0a", "..", "%2F", ""];

function everyRouteArbitrary(tables: RouteTables, ids: FuzzIds) {
  const realIds = [
    ids.visitorId,
    ids.sessionId,
    ids.otherSessionId,
    ids.assistantMessageId,
    ids.userMessageId,
  ];
  const segment = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...realIds) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(encodeURIComponent) },
  );
  const nulText = fc.constantFrom("\u0000", "a\u0000b", "\u0007bell", "ok", "x".repeat(300));
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realIds) },
    { weight: 3, arbitrary: nulText },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  const fields = fc.dictionary(
    fc.constantFrom(
      "id",
      "visitor_id",
      "session_id",
      "message",
      "title",
      "search",
      "name",
      "email",
      "metadata",
    ),
    value,
    { maxKeys: 4 },
  );
  const target = fc.oneof(
    fc.constantFrom(...tables.rest).map((route) => ({ kind: "rest" as const, ...route })),
    fc.constantFrom(...tables.trpc).map((name) => ({
      kind: "trpc" as const,
      method: "GET" as Method,
      path: `/api/trpc/${name}`,
    })),
    fc
      .constantFrom(...tables.pages)
      .map((path) => ({ kind: "page" as const, method: "GET" as Method, path })),
    fc.constantFrom(...AUTH_PATHS).map((path) => ({ kind: "auth" as const, method: "POST" as Method, path })),
  );
  return fc
    .record({
      target,
      segments: fc.array(segment, { minLength: 4, maxLength: 4 }),
      otherMethod: fc.option(fc.constantFrom<Method>("GET", "POST", "PATCH", "DELETE"), { freq: 4 }),
      trailingSlash: fc.boolean(),
      hostileSuffix: fc.option(fc.constantFrom(...HOSTILE_SEGMENTS), { freq: 6 }),
      fields,
      auth: fc.constantFrom("valid", "valid", "none", "wrong"),
      rawBody: fc.option(fc.constantFrom("{", "\u0000", '{"a":"\\u0000"}', "[]"), { freq: 5 }),
    })
    .map((c): FuzzRequest => {
      let index = 0;
      const fill = () => c.segments[index++ % c.segments.length] ?? "x";
      let path = c.target.path
        .split("/")
        .map((part) =>
          /^\[\[?\.\.\.[^\]]+\]\]?$/.test(part)
            ? `${fill()}/${fill()}`
            : /^(\{[^}]+\}|\[[^\]]+\])$/.test(part)
              ? fill()
              : part,
        )
        .join("/");
      if (c.hostileSuffix !== null) path = `${path.replace(/\/$/, "")}/${c.hostileSuffix}`;
      path = c.trailingSlash ? path.replace(/\/?$/, "/") : path.replace(/(.)\/$/, "$1");
      const method = c.otherMethod ?? c.target.method;
      const headers: Record<string, string> = {};
      if (c.auth === "valid") headers.authorization = `Bearer ${ids.adminKey}`;
      if (c.auth === "wrong")
        headers.authorization = "Bearer vcak_wrongwrongwrongwrongwrongwrongwrongwrongwro";
      let body: string | undefined;
      if (method === "GET" || method === "DELETE") {
        const query =
          c.target.kind === "trpc"
            ? `input=${encodeURIComponent(JSON.stringify(c.fields))}`
            : new URLSearchParams(
                Object.entries(c.fields).map(([key, item]) => [
                  key,
                  typeof item === "string" ? item : JSON.stringify(item),
                ]),
              ).toString();
        if (query) path += `?${query}`;
      } else {
        body = c.rawBody ?? JSON.stringify(c.fields);
        headers["content-type"] = "application/json";
        headers.origin = "http://127.0.0.1";
      }
      return {
        method,
        path,
        headers,
        body,
        endpoint: `${c.target.kind} ${c.target.method} ${c.target.path}`,
      };
    });
}

export interface EveryRouteReport {
  cases: number;
  serverErrors: number;
  byKind: Map<string, number>;
  byStatus: Map<number, number>;
  /** The first few 5xx answers (method, path, status, body start), for the report. */
  failures: string[];
}

/**
 * `numRuns` requests (deterministic for a seed) over every route of the tables, with hostile path parameters
 * (bad percent-encoding, NUL), NUL in queries and bodies, wrong methods and keys. Counts the 5xx answers
 * (the property: none) rather than stopping at the first, so a run reports how many there were.
 */
export async function runEveryRouteFuzz(options: {
  baseUrl: string;
  ids: FuzzIds;
  tables: RouteTables;
  numRuns: number;
  seed: number;
}): Promise<EveryRouteReport> {
  const report: EveryRouteReport = {
    cases: 0,
    serverErrors: 0,
    byKind: new Map(),
    byStatus: new Map(),
    failures: [],
  };
  const samples = fc.sample(everyRouteArbitrary(options.tables, options.ids), {
    numRuns: options.numRuns,
    seed: options.seed,
  });
  for (const fuzz of samples) {
    let answer: FuzzAnswer;
    try {
      answer = await send(options.baseUrl, fuzz, true);
    } catch (error) {
      answer = { status: 0, contentType: "", text: String(error) };
    }
    report.cases++;
    const kind = fuzz.endpoint.split(" ")[0] ?? "?";
    report.byKind.set(kind, (report.byKind.get(kind) ?? 0) + 1);
    report.byStatus.set(answer.status, (report.byStatus.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500 || answer.status === 0) {
      report.serverErrors++;
      if (report.failures.length < 10)
        report.failures.push(
          `${fuzz.method} ${fuzz.path.slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 160)}`,
        );
    }
  }
  return report;
}
