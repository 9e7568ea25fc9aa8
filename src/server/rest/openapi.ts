import { generateOpenApiDocument } from "trpc-to-openapi";
import { z } from "zod";
import { appRouter, procedureMetaByPath } from "../api/root";
import type { ProcedureMeta } from "../api/trpc";
import {
  CSV_COLUMNS,
  exportSessionsInputSchema,
  exportTranscriptInputSchema,
} from "../admin/exports/exports.schema";
import { SIGN_IN_ACCOUNT_LIMIT } from "../admin/auth/sign-in-throttle";
import { chatInputSchema, chatStreamEventSchema } from "../chat/messages/message.schema";
import { createSessionInputSchema } from "../chat/sessions/session.schema";
import { transcriptSchema } from "../admin/sessions/session-admin.schema";
import {
  APP_ERRORS,
  AppError,
  describeError,
  httpStatusOf,
  publicCodeOf,
  type AppErrorId,
} from "../errors/app-error";
import { RateLimitedError } from "../protection/rate-limits";
import { toRestError, type RestErrorBody } from "./errors";
import { MAX_BODY_BYTES, payloadTooLargeError } from "../protection/body-limit";
import { unsupportedMediaTypeError } from "./request-body";

/**
 * The OpenAPI 3.1 document of the REST bridge, generated from the tRPC routers and then adjusted once
 * (trpc-to-openapi cannot express these): the seed's paths with /api and trailing slashes, tag descriptions,
 * the success/error envelope around every response, and the SSE route, which is a plain route handler.
 */
type Json = Record<string, unknown>;

const TAGS = [
  {
    name: "Visitors",
    description:
      "STEP 1 — When your chat loads, validate the visitor id you stored; if it is missing or invalid, create a visitor and store its id.",
  },
  {
    name: "Sessions",
    description: "STEP 2 — Create a session (a conversation) for the visitor. `visitor_id` is required.",
  },
  {
    name: "Messages",
    description:
      "STEP 3 — Send the visitor's message with `session_id` and `visitor_id` and get the assistant's reply, whole or streamed.",
  },
  {
    name: "Widget",
    description:
      "The widget's public settings (set at /admin/settings), for a chat client or launcher of your own to match them.",
  },
  {
    name: "Admin",
    description:
      "For your support team and integrations: sessions, transcripts, exports, the dashboard and the widget settings. Send " +
      "`Authorization: Bearer <key>` with an API key from /admin/api-keys (or the bootstrap ADMIN_API_KEY).",
  },
  {
    name: "Admin knowledge base",
    description:
      "The help articles the assistant answers from: list, create, edit, publish/unpublish, delete, import from a " +
      "page, a sitemap or a file. Changes are searched within seconds on every instance. Same admin key as Admin.",
  },
  {
    name: "Webhooks",
    description:
      "Admin: endpoints that receive signed events (visitor.created, session.created, message.created) per " +
      "Standard Webhooks, and their deliveries. Same bearer API key as the other admin routes. See docs/webhooks.md.",
  },
  {
    name: "Admin inbox",
    description:
      "Human handoff: list waiting conversations (`GET /api/admin/sessions/?mode=waiting`), claim one, reply as an " +
      "agent, hand it back to the bot or close it, and follow every conversation's events live. Same Bearer key.",
  },
];

const TABLE_ORDER = Object.keys(APP_ERRORS) as AppErrorId[];

/** A real instance of each error of the table, with example values where its message needs some. */
function exampleError(id: AppErrorId): unknown {
  switch (id) {
    case "VALIDATION_FAILED":
      return createSessionInputSchema.safeParse({}).error;
    case "RATE_LIMITED":
      return new RateLimitedError(30, 60, 12);
    case "PAYLOAD_TOO_LARGE":
      return payloadTooLargeError();
    case "UNSUPPORTED_MEDIA_TYPE":
      return unsupportedMediaTypeError("application/x-www-form-urlencoded");
    case "MALFORMED_JSON":
      return new AppError(id, { params: { detail: "Unexpected end of JSON input" } });
    case "BATCH_TOO_LARGE":
      return new AppError(id, { params: { max: 10, count: 11 } });
    case "STREAMING_LINK_REQUIRED":
      return new AppError(id, { params: { path: "messages.chatStream" } });
    case "LONE_SURROGATE":
      return new AppError(id, { params: { field: "message" } });
    case "TOO_MANY_ATTEMPTS":
      return new AppError(id, { params: { minutes: SIGN_IN_ACCOUNT_LIMIT.windowMinutes } });
    case "KNOWLEDGE_SLUG_TAKEN":
      return new AppError(id, { params: { slug: "opening-hours" } });
    case "KNOWLEDGE_IMPORT_REFUSED":
    case "KNOWLEDGE_IMPORT_FAILED":
      return new AppError(id, { params: { url: "https://example.com/help", reason: "…" } });
    case "KNOWLEDGE_IMPORT_TOO_LARGE":
      return new AppError(id, { params: { url: "https://example.com/help", maxKb: 2000 } });
    case "KNOWLEDGE_IMPORT_UNSUPPORTED_FILE":
    case "KNOWLEDGE_IMPORT_EMPTY":
      return new AppError(id, { params: { name: "guide.pdf" } });
    case "METADATA_TOO_LARGE":
      return new AppError(id, { params: { maxBytes: 8192 } });
    case "WEBHOOK_URL_NOT_ALLOWED":
      return new AppError(id, { params: { host: "localhost", address: "127.0.0.1" } });
    case "WEBHOOK_URL_UNRESOLVABLE":
      return new AppError(id, { params: { host: "hooks.example.invalid" } });
    case "SESSION_CLAIMED_BY_ANOTHER_AGENT":
      return new AppError(id, { params: { agent: "Ada" } });
    default:
      return new AppError(id);
  }
}

/**
 * Each HTTP status's example body: the first error of that status in the table, produced by the real error
 * builder (toRestError), so the document can never show wording the API does not use.
 */
function errorExamples(): Map<number, RestErrorBody> {
  const examples = new Map<number, RestErrorBody>();
  for (const id of TABLE_ORDER) {
    const status = httpStatusOf(id);
    if (!examples.has(status)) examples.set(status, toRestError(exampleError(id)).body);
  }
  return examples;
}

const ERROR_EXAMPLES = errorExamples();

/** Values the document can state for placeholders that do not vary (the others read "…"). */
const DOCUMENTED_PARAMS: Partial<Record<AppErrorId, Record<string, number>>> = {
  PAYLOAD_TOO_LARGE: { maxKb: MAX_BODY_BYTES / 1024 },
};

/**
 * Every error an operation can answer: the ones its procedure declares (`meta.errors`) and the ones implied by
 * how it is served (validation, server faults, admin access, rate limits, a JSON body), in table order.
 */
function operationErrors(meta: ProcedureMeta | undefined, method: string): AppErrorId[] {
  const ids = new Set<AppErrorId>([
    "VALIDATION_FAILED",
    "INTERNAL_ERROR",
    "SERVICE_UNAVAILABLE",
    "DATABASE_NOT_MIGRATED",
    ...(meta?.openapi?.protect ? (["UNAUTHORIZED", "API_KEY_REVOKED"] as const) : []),
    ...(meta?.rateLimit ? (["RATE_LIMITED"] as const) : []),
    ...(["post", "patch", "put"].includes(method)
      ? (["MALFORMED_JSON", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"] as const)
      : []),
    ...(meta?.errors ?? []),
  ]);
  return TABLE_ORDER.filter((id) => ids.has(id));
}

const ERROR_ENVELOPE: Json = {
  type: "object",
  description:
    "Every error: what went wrong and what to do next, a stable machine code, and per-field problems for validation errors.",
  required: ["success", "message", "code"],
  properties: {
    success: { type: "boolean", const: false },
    message: { type: "string" },
    code: {
      type: "string",
      description: "Stable machine-readable code, e.g. VISITOR_NOT_FOUND, VALIDATION_FAILED.",
    },
    errors: {
      type: "object",
      description: "Field → messages (validation failures only).",
      additionalProperties: { type: "array", items: { type: "string" } },
    },
    data: {
      type: "object",
      description: "Extra data for some errors, e.g. `{ valid: false }` from validate.",
      additionalProperties: true,
    },
  },
};

function successEnvelope(dataSchema: unknown, message: string): Json {
  return {
    type: "object",
    required: ["success", "message", "data"],
    properties: {
      success: { type: "boolean", const: true },
      message: { type: "string", example: message },
      data: dataSchema,
    },
  };
}

/**
 * Response headers, declared once (components.headers) and referenced from every 429 and 503 and from the
 * file downloads, so clients and generators see them.
 */
const HEADERS: Record<string, Json> = {
  RetryAfter: {
    description: "Seconds to wait before trying again.",
    schema: { type: "integer", minimum: 0 },
  },
  RateLimitLimit: {
    description:
      "Requests allowed in the window of the limit that refused this one (IETF draft RateLimit headers).",
    schema: { type: "integer", minimum: 0 },
  },
  RateLimitRemaining: {
    description: "Requests left in the window: 0 when refused.",
    schema: { type: "integer", minimum: 0 },
  },
  RateLimitReset: {
    description: "Seconds until the window resets.",
    schema: { type: "integer", minimum: 0 },
  },
  RateLimitPolicy: {
    description: "The limit as `<requests>;w=<window seconds>`, e.g. `30;w=60`.",
    schema: { type: "string" },
    example: "30;w=60",
  },
  ContentDisposition: {
    description:
      'The download as an attachment with its file name, e.g. `attachment; filename="transcript-….csv"`.',
    schema: { type: "string" },
  },
};

const headerRef = (name: keyof typeof HEADERS): Json => ({ $ref: `#/components/headers/${name}` });

/** The headers that go with an error status. */
function errorHeaders(status: number): Json | undefined {
  if (status === 503) return { "Retry-After": headerRef("RetryAfter") };
  if (status === 429)
    return {
      "Retry-After": headerRef("RetryAfter"),
      "RateLimit-Limit": headerRef("RateLimitLimit"),
      "RateLimit-Remaining": headerRef("RateLimitRemaining"),
      "RateLimit-Reset": headerRef("RateLimitReset"),
      "RateLimit-Policy": headerRef("RateLimitPolicy"),
    };
  return undefined;
}

/** The error responses of an operation, one per status: its errors' codes and messages, and an example. */
function errorResponses(ids: readonly AppErrorId[]): Record<string, Json> {
  const byStatus = new Map<number, AppErrorId[]>();
  for (const id of ids) byStatus.set(httpStatusOf(id), [...(byStatus.get(httpStatusOf(id)) ?? []), id]);
  const responses: Record<string, Json> = {};
  for (const status of [...byStatus.keys()].sort()) {
    const example = ERROR_EXAMPLES.get(status);
    if (!example) throw new Error(`openapi: no error of status ${status} in the table`);
    const headers = errorHeaders(status);
    responses[String(status)] = {
      ...(headers && { headers }),
      description: byStatus
        .get(status)!
        .map((id) => `\`${publicCodeOf(id)}\`: ${describeError(id, DOCUMENTED_PARAMS[id])}`)
        .join("\n\n"),
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" }, example },
      },
    };
  }
  return responses;
}

/**
 * Any JSON value (the values inside visitor metadata): trpc-to-openapi renders zod's recursive JSON type as
 * an anyOf with a $ref beside it, which validators and Swagger UI misread. `{}` says the same thing plainly.
 */
function simplifyJsonSchemas(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplifyJsonSchemas);
  if (node === null || typeof node !== "object") return node;
  const object = node as Json;
  const ref = object.$ref;
  if (typeof ref === "string" && ref.startsWith("#/components/schemas/__schema")) {
    return {
      ...(object.description !== undefined && { description: object.description }),
      ...(object.example !== undefined && { example: object.example }),
    };
  }
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, simplifyJsonSchemas(value)]));
}

function procedureMetaByOperationId(): Map<string, ProcedureMeta> {
  return new Map([...procedureMetaByPath].map(([path, meta]) => [path.replaceAll(".", "-"), meta ?? {}]));
}

/**
 * A zod schema as an OpenAPI schema whose named parts (`.meta({ id })`, e.g. Message) point at the
 * document's components instead of a local `definitions` block.
 */
function toComponentSchema(schema: z.ZodType, io: "input" | "output" = "output"): Json {
  const {
    definitions: _definitions,
    $defs: _defs,
    ...json
  } = z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io,
    unrepresentable: "any",
  }) as Json;
  return nullableAs31(
    JSON.parse(
      JSON.stringify(json).replace(/"#\/(?:definitions|\$defs)\/([^"]+)"/g, '"#/components/schemas/$1"'),
    ) as Json,
  ) as Json;
}

/**
 * zod's openapi-3.0 target writes a nullable reference as `nullable: true` beside `allOf`; the document is 3.1,
 * where that is `anyOf: [<schema>, { type: "null" }]` (and `type: [<type>, "null"]` for a plain type).
 */
function nullableAs31(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullableAs31);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, child]) => [key, nullableAs31(child)] as const,
  );
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  if (object.nullable !== true) return object;
  const { nullable: _nullable, description, allOf, ...rest } = object;
  if (typeof rest.type === "string") return { ...rest, type: [rest.type, "null"], description };
  const inner = Array.isArray(allOf) && allOf.length === 1 ? (allOf[0] as object) : { ...rest, allOf };
  return { ...(description === undefined ? {} : { description }), anyOf: [inner, { type: "null" }] };
}

/** Component name of each SSE event's payload (the `data:` JSON), e.g. ChatStreamStart. */
const STREAM_EVENT_COMPONENTS = {
  start: "ChatStreamStart",
  delta: "ChatStreamDelta",
  done: "ChatStreamDone",
  error: "ChatStreamError",
} as const;

/** The payload schemas of the SSE events (the event objects without `type`, which is the `event:` line). */
function streamEventPayloadSchemas(): Record<string, Json> {
  const schemas: Record<string, Json> = {};
  for (const option of chatStreamEventSchema.options) {
    const type = option.shape.type.value;
    schemas[STREAM_EVENT_COMPONENTS[type]] = {
      ...toComponentSchema((option as z.ZodObject).omit({ type: true })),
      description: `The \`data:\` of an \`event: ${type}\` frame.`,
    };
  }
  return schemas;
}

/**
 * The event stream as generators can read it: one of the frames, each an `event` name and its `data` payload
 * (a component schema), beside the wire format in the description.
 */
function streamFrameSchema(): Json {
  return {
    description:
      "A stream of SSE frames, each `event: <event>` then `data: <JSON payload>` and a blank line. Each frame is one of these.",
    oneOf: Object.entries(STREAM_EVENT_COMPONENTS).map(([event, component]) => ({
      type: "object",
      title: `${event} frame`,
      required: ["event", "data"],
      properties: {
        event: { type: "string", const: event, description: "The `event:` line." },
        data: { $ref: `#/components/schemas/${component}` },
      },
    })),
  };
}

function streamOperation(): Json {
  const eventSchemas = toComponentSchema(chatStreamEventSchema);
  return {
    operationId: "messages-chatStream",
    tags: ["Messages"],
    summary: "STEP 3 — Chat, streamed (Server-Sent Events)",
    description: [
      "Same body and rules as POST /api/chats/messages/chat/, answered as `text/event-stream`. Events, in order:",
      "",
      "- `start` — `{ user_message, assistant_message }`: both stored; the assistant message has status `streaming`.",
      "- `delta` — `{ text }`: the next piece of the reply, sent as soon as it is produced.",
      "- `done` — `{ assistant_message }`: the complete stored reply (the deltas concatenated), sent only once it is stored.",
      "- `error` — `{ code, message, assistant_message }`: the assistant failed; the visitor's message is kept and the reply is stored as `failed`. `code` `SERVICE_UNAVAILABLE`: the reply could not be stored (the database stayed unreachable); it is marked `failed` once the database is back.",
      "",
      "Event payloads are not wrapped in the envelope. Errors found before the stream starts (validation, unknown ids, another visitor's session) are ordinary JSON error responses. If the client disconnects, the reply still completes and is stored.",
    ].join("\n"),
    security: [],
    requestBody: {
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/ChatInput" } } },
    },
    responses: {
      200: {
        description: [
          "The event stream. On the wire:",
          "",
          "```",
          'event: start\ndata: {"user_message":{…},"assistant_message":{…,"status":"streaming"}}\n',
          'event: delta\ndata: {"text":"Paste this "}\n',
          'event: done\ndata: {"assistant_message":{…,"status":"complete"}}',
          "```",
        ].join("\n"),
        content: {
          "text/event-stream": {
            schema: { ...streamFrameSchema(), "x-event-payloads": eventSchemas },
            // One frame as the schema describes it (`event` and its parsed `data`).
            example: { event: "delta", data: { text: "Paste this " } },
          },
        },
      },
      // The same rules as the chatStream procedure (errors after the stream starts are events).
      ...errorResponses(operationErrors(procedureMetaByOperationId().get("messages-chatStream"), "post")),
    },
  };
}

/** GET /api/admin/events/ (src/server/rest/admin-events.ts): a REST-only SSE route, documented here by hand. */
function adminEventsOperation(): Json {
  return {
    operationId: "admin-events",
    tags: ["Admin inbox"],
    summary: "Every conversation's events, live (admin, Server-Sent Events)",
    description: [
      "Every session's events as `text/event-stream`, for integrations: `id:` `<session id>:<seq>`, `event:` the",
      "type, `data:` the event as JSON `{ seq, session_id, type, data }`. Types: `message.created` and",
      "`message.updated` (the message DTO, `author_name` for agents), `message.delta` (`{ message_id, text }`),",
      "`session.updated` (the session DTO with `mode`, `agent_name`), `typing` (`{ role, active }`, never stored).",
      "Live only: Last-Event-ID is not needed (after a reconnect, list the sessions again). A `: heartbeat`",
      "comment every 15 s.",
    ].join(" "),
    security: [{ adminKey: [] }],
    responses: {
      200: {
        description: [
          "The event stream. On the wire:",
          "",
          "```",
          'id: 3f0c6a52-…:1764118800000000\nevent: session.updated\ndata: {"seq":1764118800000000,"session_id":"3f0c6a52-…","type":"session.updated","data":{…,"mode":"waiting"}}',
          "```",
        ].join("\n"),
        content: {
          "text/event-stream": {
            schema: {
              type: "object",
              required: ["seq", "session_id", "type", "data"],
              properties: {
                seq: { type: "integer", description: "Strictly increasing per session." },
                session_id: { type: "string", format: "uuid" },
                type: {
                  type: "string",
                  enum: ["message.created", "message.delta", "message.updated", "session.updated", "typing"],
                },
                data: { type: "object", description: "The payload of the type (see above)." },
              },
            },
          },
        },
      },
      ...errorResponses(["UNAUTHORIZED"]),
    },
  };
}

/** The `data:` of each session event type (GET /api/chats/sessions/{id}/events/). */
const SESSION_EVENT_PAYLOADS: Record<string, Json> = {
  "message.created": { $ref: "#/components/schemas/Message" },
  "message.delta": {
    type: "object",
    required: ["message_id", "text"],
    properties: {
      message_id: { type: "string", format: "uuid" },
      text: { type: "string", description: "The text appended to the streaming reply." },
    },
  },
  "message.updated": { $ref: "#/components/schemas/Message" },
  "session.updated": { $ref: "#/components/schemas/Session" },
  typing: {
    type: "object",
    required: ["role", "active"],
    properties: { role: { type: "string", enum: ["visitor", "agent"] }, active: { type: "boolean" } },
  },
};

/** GET /api/chats/sessions/{id}/events/: a plain route handler (SSE), documented here by hand. */
function sessionEventsOperation(): Json {
  return {
    operationId: "sessions-events",
    tags: ["Sessions"],
    summary: "Follow a session's events (Server-Sent Events)",
    description: [
      "Every change to the conversation as it happens, as `text/event-stream`. Each frame: `id:` the event's sequence (strictly increasing within the session, not contiguous), `event:` its type, `data:` JSON:",
      "",
      "- `message.created` — a message (the visitor's, or the assistant's reply starting with status `streaming`).",
      "- `message.delta` — `{ message_id, text }`: text appended to a streaming reply; a reply's deltas concatenated equal its final `content`.",
      "- `message.updated` — the message once it ended (`complete`, `failed`, `stopped`) or was retried (`streaming` again).",
      "- `session.updated` — the session (e.g. its title).",
      "- `typing` — `{ role, active }` (live only, never replayed).",
      "",
      "First connection: the replies still being written, each from its start, then live events. Resume: send `Last-Event-ID` (browsers' EventSource does it by itself) or `last_event_id`: every event after it, then live, with no gap and no duplicate. Events are kept for 15 minutes (at most 5,000 per session); a resume from further back gets `message.updated` for every message saved since and `session.updated` instead. A comment line (`: heartbeat`) comes at least every 15 s. The stream ends when the session is deleted.",
      "",
      "Refusals (validation, unknown visitor or session, another visitor's session, rate limit) are ordinary JSON error responses before the stream starts.",
    ].join("\n"),
    security: [],
    parameters: [
      {
        name: "id",
        in: "path",
        required: true,
        description: "The session.",
        schema: { type: "string", format: "uuid" },
      },
      {
        name: "visitor_id",
        in: "query",
        required: true,
        description: "The visitor who owns the session.",
        schema: { type: "string", format: "uuid" },
      },
      {
        name: "last_event_id",
        in: "query",
        required: false,
        description: "Resume after this event (the `Last-Event-ID` header wins if both are sent).",
        schema: { type: "string", pattern: "^\\d{1,16}$" },
      },
      {
        name: "Last-Event-ID",
        in: "header",
        required: false,
        description: "Resume after this event (sent by EventSource when it reconnects).",
        schema: { type: "string", pattern: "^\\d{1,16}$" },
      },
    ],
    responses: {
      200: {
        description: [
          "The event stream. On the wire:",
          "",
          "```",
          'id: 1764118920123000\nevent: message.created\ndata: {"id":"…","role":"assistant","status":"streaming",…}\n',
          'id: 1764118920125000\nevent: message.delta\ndata: {"message_id":"…","text":"Paste this "}\n',
          ": heartbeat\n",
          "```",
        ].join("\n"),
        content: {
          "text/event-stream": {
            schema: {
              description:
                "A stream of SSE frames, each `id: <sequence>`, `event: <type>`, `data: <JSON payload>` and a blank line.",
              oneOf: Object.entries(SESSION_EVENT_PAYLOADS).map(([event, data]) => ({
                type: "object",
                title: `${event} frame`,
                required: ["id", "event", "data"],
                properties: {
                  id: { type: "string", description: "The `id:` line: the event's sequence." },
                  event: { type: "string", const: event, description: "The `event:` line." },
                  data,
                },
              })),
            },
            example: {
              id: "1764118920125000",
              event: "message.delta",
              data: { message_id: "3f1c2b9e-8a4d-4c6b-9e2f-1a2b3c4d5e6f", text: "Hi" },
            },
          },
        },
      },
      ...errorResponses(
        operationErrors(
          {
            errors: ["VISITOR_NOT_FOUND", "SESSION_NOT_FOUND", "SESSION_OF_ANOTHER_VISITOR"],
            rateLimit: "readHistory",
          },
          "get",
        ),
      ),
    },
  };
}

/** Query (and path) parameters of an export route, from its zod schema. */
function parametersOf(schema: z.ZodObject, inPath: string[]): Json[] {
  const json = toComponentSchema(schema, "input") as {
    properties: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: inPath.includes(name) ? "path" : "query",
    required: inPath.includes(name),
    description: property.description,
    schema: { ...property, description: undefined },
  }));
}

/** The export routes are plain route handlers (they return files), documented here by hand. */
function exportOperation(kind: "range" | "transcript"): Json {
  const csvDescription =
    `One row per message, columns ${CSV_COLUMNS.join(", ")}. UTF-8 with a byte-order mark (for Excel), RFC 4180 ` +
    "quoting (fields with commas, quotes or line breaks are quoted, quotes doubled), CRLF line ends. Cells that " +
    "start with = + - @ get a leading ' so spreadsheets never run them as formulas.";
  return {
    operationId: kind === "range" ? "admin-exports-sessions" : "admin-exports-transcript",
    tags: ["Admin"],
    summary:
      kind === "range" ? "Export sessions started in a date range (admin)" : "Export a transcript (admin)",
    description:
      (kind === "range"
        ? "Every session started between `from` and `to` (UTC days, inclusive; either may be omitted), oldest first, " +
          "with all its messages, as one file."
        : "One session's transcript as a file.") + ` CSV: ${csvDescription}`,
    security: [{ adminKey: [] }],
    parameters:
      kind === "range"
        ? parametersOf(exportSessionsInputSchema, [])
        : parametersOf(exportTranscriptInputSchema, ["id"]),
    responses: {
      200: {
        description: "The file, as an attachment (Content-Disposition).",
        headers: { "Content-Disposition": headerRef("ContentDisposition") },
        content: {
          "text/csv": { schema: { type: "string" } },
          "application/json": {
            schema:
              kind === "range"
                ? {
                    type: "object",
                    required: ["exported_at", "from", "to", "sessions"],
                    properties: {
                      exported_at: { type: "string", format: "date-time" },
                      from: { type: ["string", "null"] },
                      to: { type: ["string", "null"] },
                      sessions: { type: "array", items: { $ref: "#/components/schemas/Transcript" } },
                    },
                  }
                : { $ref: "#/components/schemas/TranscriptExport" },
          },
        },
      },
      ...errorResponses([
        "VALIDATION_FAILED",
        "UNAUTHORIZED",
        "API_KEY_REVOKED",
        kind === "range" ? "INVALID_DATE_RANGE" : "SESSION_NOT_FOUND",
        "INTERNAL_ERROR",
        "SERVICE_UNAVAILABLE",
        "DATABASE_NOT_MIGRATED",
      ]),
    },
  };
}

/** The knowledge-base file upload is a plain route handler (multipart), documented here by hand. */
function knowledgeUploadOperation(): Json {
  return {
    operationId: "admin-knowledge-upload",
    tags: ["Admin knowledge base"],
    summary: "Import a help article from a file (admin)",
    description:
      "Upload one `.md`, `.txt`, `.html` or `.pdf` file as `multipart/form-data` (field `file`; optional field " +
      "`published`: `true` or `false`) of at most KNOWLEDGE_IMPORT_MAX_BYTES. Markdown keeps its `# Title`; HTML is " +
      "reduced to its main content; a PDF's text is extracted. Uploading a file of the same name again updates " +
      "its article in place.",
    security: [{ adminKey: [] }],
    requestBody: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            required: ["file"],
            properties: {
              file: { type: "string", format: "binary" },
              published: { type: "string", enum: ["true", "false"] },
            },
          },
        },
      },
    },
    responses: {
      200: {
        description: "The imported article (created, updated or unchanged).",
        content: {
          "application/json": {
            schema: successEnvelope({ $ref: "#/components/schemas/KnowledgeImportResult" }, "Imported."),
          },
        },
      },
      ...errorResponses([
        "VALIDATION_FAILED",
        "UNAUTHORIZED",
        "API_KEY_REVOKED",
        "CROSS_SITE_ADMIN_REQUEST",
        "KNOWLEDGE_IMPORT_REFUSED",
        "KNOWLEDGE_IMPORT_EMPTY",
        "KNOWLEDGE_IMPORT_TOO_LARGE",
        "KNOWLEDGE_IMPORT_UNSUPPORTED_FILE",
        "INTERNAL_ERROR",
        "SERVICE_UNAVAILABLE",
        "DATABASE_NOT_MIGRATED",
      ]),
    },
  };
}

function buildDocument(): Json {
  const generated = generateOpenApiDocument(appRouter, {
    title: "Visitor Chat REST API",
    description:
      "Chat for anonymous website visitors, in three steps: create (or validate) a visitor, create a session, chat. " +
      "Every response is `{ success, message, data }`; every error is `{ success: false, message, code, errors? }`.",
    version: "1.0.0",
    baseUrl: "/",
    tags: TAGS.map((tag) => tag.name),
    securitySchemes: {
      adminKey: {
        type: "http",
        scheme: "bearer",
        description: "An API key created on /admin/api-keys, or the bootstrap ADMIN_API_KEY.",
      },
    },
  }) as unknown as Json;
  const document = simplifyJsonSchemas(generated) as Json;
  const metaOf = procedureMetaByOperationId();
  const schemas = (document.components as { schemas: Json }).schemas;
  for (const name of Object.keys(schemas)) {
    if (name.startsWith("error.") || name.startsWith("__schema")) delete schemas[name];
  }
  schemas.ErrorEnvelope = ERROR_ENVELOPE;
  schemas.ChatInput = toComponentSchema(chatInputSchema, "input");
  // The whole transcript (the range export's items): the admin read now answers a TranscriptPage.
  schemas.Transcript = toComponentSchema(transcriptSchema.extend({}));
  // The transcript download: the Transcript with the time it was exported.
  schemas.TranscriptExport = toComponentSchema(
    transcriptSchema.extend({ exported_at: z.iso.datetime() }).meta({ id: undefined }),
  );
  Object.assign(schemas, streamEventPayloadSchemas());
  const components = document.components as Json;
  components.headers = HEADERS;

  const paths: Json = {};
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, operation] of Object.entries(item)) {
      const meta = metaOf.get(String(operation.operationId));
      const status = String(meta?.rest?.successStatus ?? 200);
      const responses = operation.responses as Record<string, Json>;
      const success = responses["200"] as {
        description?: string;
        content?: Record<string, { schema?: unknown }>;
      };
      const dataSchema = success.content?.["application/json"]?.schema;
      const rebuilt: Json = {
        [status]: {
          description: success.description ?? "Success.",
          content: {
            "application/json": { schema: successEnvelope(dataSchema, meta?.rest?.successMessage ?? "OK") },
          },
        },
      };
      operation.responses = { ...rebuilt, ...errorResponses(operationErrors(meta, method)) };
      if (meta?.openapi?.protect !== true) operation.security = [];
      if (operation.operationId === "visitors-create") {
        (operation.requestBody as Json).required = false;
      }
    }
    paths[`/api${path}/`] = item;
  }
  paths["/api/chats/messages/chat/stream/"] = { post: streamOperation() };
  paths["/api/chats/sessions/{id}/events/"] = { get: sessionEventsOperation() };
  paths["/api/admin/exports/sessions/"] = { get: exportOperation("range") };
  paths["/api/admin/exports/sessions/{id}/"] = { get: exportOperation("transcript") };
  paths["/api/admin/knowledge/upload/"] = { post: knowledgeUploadOperation() };
  paths["/api/admin/events/"] = { get: adminEventsOperation() };

  return {
    ...document,
    servers: [{ url: "/", description: "This server" }],
    tags: TAGS,
    paths,
  };
}

let cached: Json | undefined;

export function getOpenApiDocument(): Json {
  cached ??= buildDocument();
  return cached;
}
