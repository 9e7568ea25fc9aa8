import { generateOpenApiDocument } from "trpc-to-openapi";
import { z } from "zod";
import { appRouter, procedureMetaByPath } from "../api/root";
import type { ProcedureMeta } from "../api/trpc";
import { SIGN_IN_ACCOUNT_LIMIT } from "../admin/auth/sign-in-limit";
import {
  ADMIN_EVENT_TYPES,
  EVENT_CATALOGUE,
  SESSION_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES,
  type EventType,
} from "../chat/events/catalogue";
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
import { isAdminAccess, type OpenApiParts, type RestRoute } from "./route";
import { REST_ROUTES } from "./routes";

/**
 * The OpenAPI 3.1 document of the REST bridge, generated from the tRPC routers and then adjusted once
 * (trpc-to-openapi cannot express these): the seed's paths with /api and trailing slashes, tag descriptions,
 * the success/error envelope around every response, the REST-only routes (their table, routes.ts), the event
 * streams' frames and the webhooks from the event catalogue.
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
    name: "Attachments",
    description:
      "Files in a conversation: the visitor uploads one file (multipart) and sends its id with the next message " +
      "(`attachment_ids`); downloads are served to the conversation's visitor and to agents only. Types are checked " +
      "by their bytes (415 otherwise), size by ATTACHMENT_MAX_BYTES (413). See docs/rest-api.md, Attachments.",
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
      `Admin: endpoints that receive signed events (${WEBHOOK_EVENT_TYPES.join(", ")}) per Standard ` +
      "Webhooks, and their deliveries (each event's body: the document's `webhooks`). Same bearer API key as the " +
      "other admin routes. See docs/webhooks.md.",
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
    case "CONTROL_CHARACTER":
      return new AppError(id, { params: { field: "message" } });
    case "TOO_MANY_ATTEMPTS":
      return new AppError(id, { params: { minutes: SIGN_IN_ACCOUNT_LIMIT.windowMinutes } });
    case "ANSWER_TEST_SUITE_LIMIT":
      return new AppError(id, { params: { max: 100 } });
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
    case "ATTACHMENT_TOO_LARGE":
      return new AppError(id, { params: { maxKb: 9765 } });
    case "ATTACHMENT_UNSUPPORTED_TYPE":
      return new AppError(id, { params: { name: "setup.png" } });
    case "ATTACHMENT_NOT_ATTACHABLE":
      return new AppError(id, { params: { id: "3f1c2b9e-8a4d-4c6b-9e2f-1a2b3c4d5e6f" } });
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
    ...(meta?.openapi?.protect ? (["UNAUTHORIZED", "API_KEY_REVOKED", "ADMIN_ONLY"] as const) : []),
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
  Allow: {
    description: "The methods the path serves, e.g. `GET, POST`.",
    schema: { type: "string" },
    example: "GET, POST",
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
function toComponentSchema(schema: z.ZodType, io: "input" | "output" = "output", into?: Json): Json {
  const { definitions, $defs, ...json } = z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io,
    unrepresentable: "any",
  }) as Json;
  const asComponents = (value: unknown) =>
    nullableAs31(
      JSON.parse(
        JSON.stringify(value).replace(/"#\/(?:definitions|\$defs)\/([^"]+)"/g, '"#/components/schemas/$1"'),
      ) as Json,
    ) as Json;
  // The named parts it references, for a schema the generated components do not have yet.
  if (into)
    for (const [name, part] of Object.entries({ ...(definitions as Json), ...($defs as Json) }))
      into[name] ??= asComponents(part);
  return asComponents(json);
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

/** The `data` schema of a catalogue event type: a reference to its component (added if missing), or inline. */
function eventDataSchema(schemas: Json, type: EventType): Json {
  const schema = EVENT_CATALOGUE[type].data as z.ZodType;
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) return toComponentSchema(schema);
  if (!schemas[id]) {
    // zod writes a named root as a reference to its definition, which lands in the components.
    const { id: _id, ...json } = toComponentSchema(schema, "output", schemas);
    schemas[id] ??= json;
  }
  return { $ref: `#/components/schemas/${id}` };
}

/**
 * The frames of the event streams, generated from the event catalogue (chat/events/catalogue.ts): one frame per
 * type, `event:` the type, `data:` its catalogue schema (the session stream), or the whole event with it (the
 * admin stream). The streamed chat's frames come from its own event schema.
 */
function eventStreamSchema(schemas: Json, kind: "chat" | "session" | "admin"): Json {
  if (kind === "chat")
    return { ...streamFrameSchema(), "x-event-payloads": toComponentSchema(chatStreamEventSchema) };
  const types = kind === "session" ? SESSION_EVENT_TYPES : ADMIN_EVENT_TYPES;
  return {
    description:
      kind === "session"
        ? "A stream of SSE frames, each `id: <sequence>`, `event: <type>`, `data: <JSON payload>` and a blank line."
        : "A stream of SSE frames, each `id: <session id>:<sequence>`, `event: <type>`, `data: <the event as JSON>` and a blank line.",
    oneOf: types.map((type) => {
      const data = eventDataSchema(schemas, type);
      return {
        type: "object",
        title: `${type} frame`,
        description: `${EVENT_CATALOGUE[type].when}.`,
        required: ["id", "event", "data"],
        properties: {
          id: {
            type: "string",
            description:
              kind === "session"
                ? "The `id:` line: the event's sequence (1–16 digits)."
                : "The `id:` line: `<session id>:<sequence>`.",
          },
          event: { type: "string", const: type, description: "The `event:` line." },
          data:
            kind === "session"
              ? data
              : {
                  type: "object",
                  required: ["seq", "session_id", "type", "data"],
                  properties: {
                    seq: { type: "integer", description: "Strictly increasing per session." },
                    session_id: { type: "string", format: "uuid" },
                    type: { type: "string", const: type },
                    data,
                  },
                },
        },
      };
    }),
  };
}

/**
 * The OpenAPI 3.1 `webhooks`: one POST per type webhooks can subscribe to (the catalogue's `webhook` events),
 * whose body is the envelope `{ type, timestamp, data }` the worker signs (src/server/webhooks/worker.ts).
 */
function webhooksSection(schemas: Json): Json {
  const signatureHeader = (name: string, description: string): Json => ({
    name,
    in: "header",
    required: true,
    description,
    schema: { type: "string" },
  });
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `webhook-${type}`,
          tags: ["Webhooks"],
          summary: `Webhook: ${type}`,
          description:
            `Sent to each endpoint subscribed to \`${type}\` when ${EVENT_CATALOGUE[type].when}. Signed per ` +
            "Standard Webhooks (verify `webhook-signature` with the endpoint's secret); answer 2xx within the " +
            "timeout, anything else is retried with backoff. See docs/webhooks.md.",
          security: [],
          parameters: [
            signatureHeader("webhook-id", "The event's id: the same on every retry (deduplicate on it)."),
            signatureHeader("webhook-timestamp", "When this attempt was signed (Unix seconds)."),
            signatureHeader("webhook-signature", "`v1,<base64 HMAC-SHA256>` of `<id>.<timestamp>.<body>`."),
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["type", "timestamp", "data"],
                  properties: {
                    type: { type: "string", const: type },
                    timestamp: {
                      type: "string",
                      format: "date-time",
                      description: "When the event happened (stored with the change).",
                    },
                    data: eventDataSchema(schemas, type),
                  },
                },
              },
            },
          },
          responses: {
            200: { description: "Received (any 2xx status acknowledges the delivery)." },
            "4XX": {
              description: "Refused: the delivery is retried with backoff, then the endpoint is disabled.",
            },
          },
        },
      },
    ]),
  );
}

/** The errors a REST-only route answers: its declared ones and those implied by how it is served. */
function routeErrors(route: RestRoute): AppErrorId[] {
  const ids = new Set<AppErrorId>([
    ...(route.input ? (["VALIDATION_FAILED"] as const) : []),
    "INTERNAL_ERROR",
    "SERVICE_UNAVAILABLE",
    "DATABASE_NOT_MIGRATED",
    ...(isAdminAccess(route.access) ? (["UNAUTHORIZED", "API_KEY_REVOKED", "ADMIN_ONLY"] as const) : []),
    ...(route.rateLimit ? (["RATE_LIMITED"] as const) : []),
    ...(route.input?.in === "body"
      ? (["MALFORMED_JSON", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"] as const)
      : []),
    ...route.errors,
  ]);
  return TABLE_ORDER.filter((id) => ids.has(id));
}

/** Query (and path) parameters of a route's query input, from its zod schema. */
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

/** A REST-only route's operation (routes.ts), with the error responses of its declaration. */
function routeOperation(route: RestRoute, schemas: Json): Json {
  const { operationId, tags, summary, description, requestBody } = route.openapi;
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const parameters =
    route.openapi.parameters ??
    (route.input?.in === "query" ? parametersOf(route.input.schema, inPath) : undefined);
  const parts: OpenApiParts = {
    successEnvelope,
    schemaOf: (schema, io) => toComponentSchema(schema, io),
    eventStream: (kind) => eventStreamSchema(schemas, kind),
    headerRef: (name) => headerRef(name as keyof typeof HEADERS),
  };
  return {
    operationId,
    tags,
    summary,
    description,
    security: isAdminAccess(route.access) ? [{ adminKey: [] }] : [],
    ...(parameters && { parameters }),
    ...(requestBody && { requestBody }),
    responses: { ...route.openapi.responses(parts), ...errorResponses(routeErrors(route)) },
  };
}

/** What every path answers for a method it does not serve (not an operation: listed once, in components). */
function methodNotAllowedResponse(): Json {
  return {
    description:
      "Any path asked with a method it does not serve (HEAD included): the `Allow` header lists the ones it does. " +
      `\`${publicCodeOf("METHOD_NOT_ALLOWED")}\`: ${describeError("METHOD_NOT_ALLOWED")}`,
    headers: { Allow: headerRef("Allow") },
    content: {
      "application/json": {
        schema: { $ref: "#/components/schemas/ErrorEnvelope" },
        example: toRestError(new AppError("METHOD_NOT_ALLOWED")).body,
      },
    },
  };
}

function buildDocument(): Json {
  const generated = generateOpenApiDocument(appRouter, {
    title: "Visitor Chat REST API",
    description:
      "Chat for anonymous website visitors, in three steps: create (or validate) a visitor, create a session, chat. " +
      "Every response is `{ success, message, data }`; every error is `{ success: false, message, code, errors? }`. " +
      "A method a path does not serve answers 405 `METHOD_NOT_ALLOWED` with the `Allow` header " +
      "(`components.responses.MethodNotAllowed`).",
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
      // A body that may be left out (create a visitor; claim, release, close: the id is in the path): typed
      // clients need not send `{}`.
      if (meta?.rest?.bodyOptional && operation.requestBody) (operation.requestBody as Json).required = false;
    }
    paths[`/api${path}/`] = item;
  }
  for (const route of REST_ROUTES) {
    const item = (paths[`/api${route.path}/`] ??= {}) as Json;
    item[route.method.toLowerCase()] = routeOperation(route, schemas);
  }
  components.responses = { MethodNotAllowed: methodNotAllowedResponse() };

  return {
    ...document,
    servers: [{ url: "/", description: "This server" }],
    tags: TAGS,
    paths,
    webhooks: webhooksSection(schemas),
  };
}

let cached: Json | undefined;

export function getOpenApiDocument(): Json {
  cached ??= buildDocument();
  return cached;
}
