/**
 * Every failure the app reports on purpose, in one table: its public code, its kind (which carries the HTTP
 * status and the tRPC code), and its message, which says what went wrong and what to do next. Transports
 * convert an AppError in one place each (src/server/api/errors.ts for tRPC, src/server/rest/errors.ts for the
 * REST envelope) and show the message as is. No error wording lives anywhere else (tests/errors.test.ts checks).
 *
 * Pure: imports nothing from Next.js, tRPC or the REST layer, so the domain can throw these directly.
 */
import type { ZodError } from "zod";
import { isDatabaseNotMigrated, isDatabaseUnavailable } from "../db/unavailable";

/** Each kind of failure, with the HTTP status and the tRPC error code that say it on each transport. */
export const ERROR_KINDS = {
  bad_request: { httpStatus: 400, trpcCode: "BAD_REQUEST" },
  unauthorized: { httpStatus: 401, trpcCode: "UNAUTHORIZED" },
  forbidden: { httpStatus: 403, trpcCode: "FORBIDDEN" },
  not_found: { httpStatus: 404, trpcCode: "NOT_FOUND" },
  method_not_allowed: { httpStatus: 405, trpcCode: "METHOD_NOT_SUPPORTED" },
  conflict: { httpStatus: 409, trpcCode: "CONFLICT" },
  payload_too_large: { httpStatus: 413, trpcCode: "PAYLOAD_TOO_LARGE" },
  unsupported_media_type: { httpStatus: 415, trpcCode: "UNSUPPORTED_MEDIA_TYPE" },
  rate_limited: { httpStatus: 429, trpcCode: "TOO_MANY_REQUESTS" },
  internal: { httpStatus: 500, trpcCode: "INTERNAL_SERVER_ERROR" },
  upstream_failed: { httpStatus: 502, trpcCode: "BAD_GATEWAY" },
  unavailable: { httpStatus: 503, trpcCode: "SERVICE_UNAVAILABLE" },
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

/**
 * Where an error comes from: a rule of the chat or admin domain (reported to tRPC clients as `data.domainCode`),
 * input validation, access, abuse protection, the server itself, or the REST request (HTTP layer).
 */
export type ErrorSource = "domain" | "validation" | "access" | "protection" | "server" | "request";

interface ErrorEntry {
  kind: ErrorKind;
  source: ErrorSource;
  /** The message; `{name}` is filled from the error's params. */
  message: string;
  /** The public code, when it differs from the entry's name (several messages for one code). */
  code?: string;
  /** Seconds a client should wait before retrying (sent as Retry-After where the transport has headers). */
  retryAfterSeconds?: number;
}

/**
 * The table. Its order matters once: the first error of each HTTP status is that status's example body in the
 * OpenAPI document (src/server/rest/openapi.ts).
 */
export const APP_ERRORS = {
  VALIDATION_FAILED: { kind: "bad_request", source: "validation", message: "Invalid input: {details}" },
  /** A field-level validation message (zod refinement wellFormedText in src/server/chat/limits.ts). */
  LONE_SURROGATE: {
    code: "VALIDATION_FAILED",
    kind: "bad_request",
    source: "validation",
    message:
      "{field} must be valid Unicode text: it contains a lone UTF-16 surrogate (U+D800–U+DFFF) with no pair.",
  },
  /** A field-level validation message (the control-character rule, plainText in src/server/chat/limits.ts). */
  CONTROL_CHARACTER: {
    code: "VALIDATION_FAILED",
    kind: "bad_request",
    source: "validation",
    message:
      "{field} must not contain control characters (U+0000–U+001F and U+007F; tab, line feed and carriage return are allowed).",
  },
  UNAUTHORIZED: {
    kind: "unauthorized",
    source: "access",
    message:
      "This endpoint is for administrators: send Authorization: Bearer <admin API key>, or sign in on /admin.",
  },
  SESSION_OF_ANOTHER_VISITOR: {
    kind: "forbidden",
    source: "domain",
    message: "This session belongs to another visitor. Use the visitor_id that created the session.",
  },
  VISITOR_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message:
      "Visitor not found. Create one with POST /api/chats/visitors/ first, then send its id as visitor_id.",
  },
  SESSION_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message: "Session not found. Create one with POST /api/chats/sessions/ (with your visitor_id) first.",
  },
  MESSAGE_NOT_FOUND: { kind: "not_found", source: "domain", message: "Message not found in this session." },
  NOT_AN_ASSISTANT_MESSAGE: {
    kind: "bad_request",
    source: "domain",
    message: "Only the assistant's replies can be retried or stopped; pass the id of an assistant message.",
  },
  REPLY_NOT_RETRYABLE: {
    kind: "conflict",
    source: "domain",
    message:
      "Only a failed or stopped reply can be retried. Wait for this one to finish, or send a new message.",
  },
  INVALID_CURSOR: {
    kind: "bad_request",
    source: "domain",
    message: "cursor is not valid. Pass the next_cursor value of the previous page unchanged, or omit it.",
  },
  API_KEY_REVOKED: {
    kind: "unauthorized",
    source: "access",
    code: "UNAUTHORIZED",
    message: "This API key was revoked. Create a new key on /admin/api-keys and use that one.",
  },
  /** An agent (or an agent- or read-scoped key) calling what only admins may (src/server/admin/auth/roles.ts). */
  ADMIN_ONLY: {
    kind: "forbidden",
    source: "access",
    message:
      "Only an admin may do this: your role (or your API key's scope) covers the inbox, sessions, visitors, knowledge and reports. Ask an admin of this workspace.",
  },
  USER_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message: "User not found. List the team on GET /api/admin/users/ and pass the id of one of them.",
  },
  USER_EMAIL_TAKEN: {
    kind: "conflict",
    source: "domain",
    message:
      "A user with this email already exists. Change their role on the /admin/team page (or PATCH their user) instead.",
  },
  LAST_ADMIN: {
    kind: "conflict",
    source: "domain",
    message:
      "This is the last active admin: make another user an admin first, so someone can still manage the team.",
  },
  /** Sign-in of a user an admin disabled (answered by Better Auth's sign-in, after the password check). */
  USER_DISABLED: {
    kind: "forbidden",
    source: "access",
    message: "This account was disabled by an admin of this workspace. Ask them to enable it again.",
  },
  CANNED_RESPONSE_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message: "Saved reply not found. List them on GET /api/admin/canned-responses/ and pass the id of one.",
  },
  CANNED_SHORTCUT_TAKEN: {
    kind: "conflict",
    source: "domain",
    message:
      "Another saved reply already has this shortcut. Choose another one, or change that reply instead.",
  },
  INVITE_INVALID: {
    kind: "not_found",
    source: "domain",
    message: "This invitation link was already used or has expired. Ask an admin for a new one.",
  },
  API_KEY_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message: "API key not found. List the keys on /admin/api-keys and pass the id of one of them.",
  },
  API_KEYS_NEED_SIGN_IN: {
    kind: "forbidden",
    source: "domain",
    message:
      "API keys are managed by a signed-in admin on /admin/api-keys; a bearer key cannot create or revoke keys.",
  },
  INVALID_DATE_RANGE: {
    kind: "bad_request",
    source: "domain",
    message: "from must be on or before to (both days as YYYY-MM-DD, UTC).",
  },
  REPLY_FAILED: {
    kind: "upstream_failed",
    source: "domain",
    message: "The assistant could not reply. Your message was saved; try again in a moment.",
  },
  RATE_LIMITED: {
    kind: "rate_limited",
    source: "protection",
    message: "Too many requests: please wait {retryAfterSeconds} s and try again.",
  },
  /** Admin sign-in (Better Auth answers it): too many attempts for one account from one address, or in all. */
  TOO_MANY_ATTEMPTS: {
    kind: "rate_limited",
    source: "protection",
    message: "Too many sign-in attempts. Try again in {minutes} min.",
  },
  INTERNAL_ERROR: {
    kind: "internal",
    source: "server",
    message: "Something went wrong on our side. Please try again in a moment.",
  },
  SERVICE_UNAVAILABLE: {
    kind: "unavailable",
    source: "server",
    message: "The chat service is temporarily unavailable. Please try again in a moment.",
    retryAfterSeconds: 5,
  },
  /** The database answers but has no tables: its migrations were never applied. */
  DATABASE_NOT_MIGRATED: {
    code: "SERVICE_UNAVAILABLE",
    kind: "unavailable",
    source: "server",
    message:
      "The chat service is not set up yet: the database is not migrated. The operator must run `npm run db:migrate`.",
    retryAfterSeconds: 30,
  },
  MALFORMED_JSON: {
    kind: "bad_request",
    source: "request",
    message: "The request body is not valid JSON: {detail}",
  },
  MALFORMED_PATH: {
    kind: "bad_request",
    source: "request",
    message: "The URL path has a malformed %-escape.",
  },
  ROUTE_NOT_FOUND: {
    kind: "not_found",
    source: "request",
    message: "No such endpoint. The endpoints are listed at /api/docs/.",
  },
  METHOD_NOT_ALLOWED: {
    kind: "method_not_allowed",
    source: "request",
    message:
      "This endpoint does not accept this method. The endpoints and their methods are listed at /api/docs/.",
  },
  CHAT_STREAM_METHOD_NOT_ALLOWED: {
    code: "METHOD_NOT_ALLOWED",
    kind: "method_not_allowed",
    source: "request",
    message: "Use POST: /api/chats/messages/chat/stream/ streams the reply to the message sent in the body.",
  },
  PAYLOAD_TOO_LARGE: {
    kind: "payload_too_large",
    source: "request",
    message: "The request body is larger than {maxKb} KB.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    kind: "unsupported_media_type",
    source: "request",
    message: "Send the body as JSON with Content-Type: application/json (got {got}).",
  },
  /** /api/trpc: more calls in one batch request than it accepts. */
  BATCH_TOO_LARGE: {
    kind: "bad_request",
    source: "request",
    message:
      "A tRPC batch may hold at most {max} calls (this one has {count}): send the rest in another request, e.g. with httpBatchLink's maxItems option set to {max}.",
  },
  /** /api/trpc: a streamed procedure (meta `stream`) called without a streaming link; refused before it runs. */
  STREAMING_LINK_REQUIRED: {
    kind: "bad_request",
    source: "request",
    message:
      "{path} streams its reply and needs httpBatchStreamLink (header trpc-accept: application/jsonl); nothing was stored. For the whole reply in one answer, call messages.chat (or messages.retry) instead.",
  },
  /** A cookie-authenticated admin change sent from another site (cross-site request forgery). */
  CROSS_SITE_ADMIN_REQUEST: {
    kind: "forbidden",
    source: "access",
    message:
      "Admin changes made with the sign-in cookie must come from this app's own pages; this request came from another site. Integrations send Authorization: Bearer <API key> instead.",
  },
  // Operations (metrics, logs; issue 15).
  /** /api/metrics without the right bearer token (it is off, 404, while METRICS_TOKEN is unset). */
  METRICS_UNAUTHORIZED: {
    code: "UNAUTHORIZED",
    kind: "unauthorized",
    source: "access",
    message: "Metrics need Authorization: Bearer <METRICS_TOKEN>, the token set in the server's environment.",
  },
  // Email in (POST /api/inbound/email/, docs/email.md).
  INBOUND_EMAIL_UNAUTHORIZED: {
    code: "UNAUTHORIZED",
    kind: "unauthorized",
    source: "access",
    message:
      "Inbound email needs Authorization: Bearer <INBOUND_EMAIL_SECRET>, the secret set in the server's environment.",
  },
  INBOUND_EMAIL_NOT_MIME: {
    kind: "unsupported_media_type",
    source: "request",
    message: "Send the raw email as the body with Content-Type: message/rfc822.",
  },
  INBOUND_EMAIL_UNKNOWN_RECIPIENT: {
    kind: "not_found",
    source: "domain",
    message:
      "No conversation has this reply address: send replies to the reply+<token>@INBOUND_EMAIL_DOMAIN address of an email the app sent.",
  },
  INBOUND_EMAIL_EMPTY: {
    kind: "bad_request",
    source: "domain",
    message: "The email has no new text (only quoted history or a signature): nothing was stored.",
  },
  EMAIL_ALERTS_NEED_SIGN_IN: {
    kind: "forbidden",
    source: "domain",
    message:
      "Alert emails go to admin users: sign in on /admin to turn yours on or off (an API key has no address).",
  },
  EMAIL_STOP_UNKNOWN_TOKEN: {
    kind: "not_found",
    source: "domain",
    message: "This stop link is not valid (any more): use the link of an email the app sent.",
  },
  // Knowledge base (admin: /admin/knowledge, /api/admin/knowledge).
  ANSWER_TEST_SUITE_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message:
      "Answer-test suite not found. List the suites (GET /api/admin/knowledge/tests/suites/) and pass the id of one of them.",
  },
  ANSWER_TEST_SUITE_LIMIT: {
    kind: "conflict",
    source: "domain",
    message: "At most {max} answer-test suites can be saved: delete one you no longer need first.",
  },
  ANSWER_TEST_SUITE_EMPTY: {
    kind: "conflict",
    source: "domain",
    message:
      "This suite has no questions yet: add some (PATCH with questions or add_questions) before running it.",
  },
  KNOWLEDGE_ARTICLE_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message:
      "Help article not found. List the articles (GET /api/admin/knowledge/) and pass the id of one of them.",
  },
  KNOWLEDGE_SLUG_TAKEN: {
    kind: "conflict",
    source: "domain",
    message:
      "Another article already uses the slug {slug}: choose another slug, or edit that article instead.",
  },
  KNOWLEDGE_IMPORT_REFUSED: {
    kind: "bad_request",
    source: "domain",
    message: "{url} cannot be imported: {reason}",
  },
  ATTACHMENT_TOO_LARGE: {
    kind: "payload_too_large",
    source: "domain",
    message: "The file is larger than the attachment limit of {maxKb} KB (ATTACHMENT_MAX_BYTES).",
  },
  ATTACHMENT_UNSUPPORTED_TYPE: {
    kind: "unsupported_media_type",
    source: "domain",
    message:
      "{name} cannot be attached: its contents are not an image (PNG, JPEG, GIF, WebP), a PDF, UTF-8 text or an office document (docx, xlsx, pptx, odt). The type is read from the bytes, not the name.",
  },
  ATTACHMENT_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message: "No attachment with this id in this conversation.",
  },
  ATTACHMENT_NOT_ATTACHABLE: {
    kind: "bad_request",
    source: "domain",
    message:
      "Attachment {id} cannot be sent with this message: upload it into this conversation from the same side (visitor or agent), and send it with one message only.",
  },
  KNOWLEDGE_IMPORT_TOO_LARGE: {
    kind: "payload_too_large",
    source: "domain",
    message:
      "{url} is larger than the import limit of {maxKb} KB (KNOWLEDGE_IMPORT_MAX_BYTES): split it, or raise the limit.",
  },
  KNOWLEDGE_IMPORT_FAILED: {
    kind: "upstream_failed",
    source: "domain",
    message: "{url} could not be fetched: {reason}. Check that the address opens in a browser and try again.",
  },
  KNOWLEDGE_IMPORT_UNSUPPORTED_FILE: {
    kind: "unsupported_media_type",
    source: "domain",
    message: "{name} cannot be imported: upload a .md, .txt, .html or .pdf file.",
  },
  KNOWLEDGE_IMPORT_EMPTY: {
    kind: "bad_request",
    source: "domain",
    message:
      "{name} has no text to import (a scanned PDF has only images): paste the text in a new article instead.",
  },
  // ─── Feedback and knowledge gaps (wip/feedback) ───
  FEEDBACK_ON_VISITOR_MESSAGE: {
    code: "NOT_AN_ASSISTANT_MESSAGE",
    kind: "bad_request",
    source: "domain",
    message: "Only the assistant's replies can be rated; pass the id of an assistant message.",
  },
  REPLY_NOT_FINISHED: {
    kind: "conflict",
    source: "domain",
    message: "This reply is still being written. Rate it once it has finished.",
  },
  // ─── Privacy: visitor erasure, identified visitors (issue 14) ───
  VISITOR_ID_MISMATCH: {
    kind: "forbidden",
    source: "domain",
    message:
      "A visitor can only erase or change its own data: send the visitor's own id as visitor_id (the same id as in the path).",
  },
  IDENTITY_NOT_CONFIGURED: {
    kind: "bad_request",
    source: "domain",
    message:
      "This server does not verify user_hash: its operator has not set IDENTITY_SECRET. Send identify() without user_hash, or ask them to set it.",
  },
  IDENTITY_HASH_INVALID: {
    kind: "unauthorized",
    source: "domain",
    message:
      "user_hash does not match user_id. Compute it on your server as the hex HMAC-SHA256 of user_id with IDENTITY_SECRET; nothing was changed.",
  },
  IDENTITY_REQUIRED: {
    kind: "forbidden",
    source: "domain",
    message:
      "This chat is for signed-in users: sign in on the site (which identifies you to the chat) to send messages. You can still read your conversations.",
  },
  METADATA_TOO_LARGE: {
    kind: "bad_request",
    source: "domain",
    message:
      "The visitor's metadata would be larger than {maxBytes} bytes as JSON: send fewer or shorter fields.",
  },
  // ─── Webhooks (src/server/admin/webhooks, src/server/webhooks) ───
  WEBHOOK_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message:
      "Webhook endpoint not found. List the endpoints with GET /api/admin/webhooks/ and pass the id of one.",
  },
  WEBHOOK_DELIVERY_NOT_FOUND: {
    kind: "not_found",
    source: "domain",
    message:
      "Delivery not found for this endpoint. List its deliveries with GET /api/admin/webhooks/<id>/deliveries/ and pass the id of one.",
  },
  WEBHOOK_URL_NOT_ALLOWED: {
    kind: "bad_request",
    source: "domain",
    message:
      "url is refused: {host} resolves to {address}, a loopback, private or link-local address (webhooks are not sent inside your network). Use a public address, or set WEBHOOKS_ALLOW_PRIVATE=true on the server to allow private receivers.",
  },
  WEBHOOK_URL_UNRESOLVABLE: {
    kind: "bad_request",
    source: "domain",
    message:
      "url is refused: its host {host} does not resolve. Check the address (and its DNS record) and try again.",
  },
  WEBHOOK_DISABLED: {
    kind: "conflict",
    source: "domain",
    message:
      "This webhook endpoint is disabled: enable it first (PATCH /api/admin/webhooks/<id>/ with enabled: true), then resend.",
  },
  // ─── Human handoff and the agent inbox (src/server/chat/handoff/) ───
  TRANSCRIPT_EMAIL_REQUIRED: {
    kind: "bad_request",
    source: "domain",
    message:
      "A transcript is sent by email, and this visitor has left no address: send `email` with the request (or leave one first).",
  },
  SESSION_CLOSED: {
    kind: "conflict",
    source: "domain",
    message:
      "This conversation is closed. It reopens in bot mode when the visitor writes again; claim it then, or pick a waiting conversation.",
  },
  SESSION_CLAIMED_BY_ANOTHER_AGENT: {
    kind: "conflict",
    source: "domain",
    message:
      "{agent} is already handling this conversation. Ask them to hand it back (release) before you claim it.",
  },
  SESSION_NOT_CLAIMED: {
    kind: "conflict",
    source: "domain",
    message:
      "Claim this conversation first (claim, POST /api/admin/sessions/<id>/claim/): agents reply only in conversations they have claimed.",
  },
} as const satisfies Record<string, ErrorEntry>;

export type AppErrorId = keyof typeof APP_ERRORS;

/** The ids of the chat and admin domain's errors (the ones a procedure declares in `meta.errors`). */
export type DomainErrorId = {
  [Id in AppErrorId]: (typeof APP_ERRORS)[Id]["source"] extends "domain" ? Id : never;
}[AppErrorId];

type PlaceholdersOf<Text extends string> = Text extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PlaceholdersOf<Rest>
  : never;

/** The values an error's message needs, e.g. `{ retryAfterSeconds: 12 }` for RATE_LIMITED. */
export type ErrorParams<Id extends AppErrorId> = Record<
  PlaceholdersOf<(typeof APP_ERRORS)[Id]["message"]>,
  string | number
>;

type NeedsParams<Id extends AppErrorId> = [PlaceholdersOf<(typeof APP_ERRORS)[Id]["message"]>] extends [never]
  ? false
  : true;

type ErrorOptions<Id extends AppErrorId> = {
  cause?: unknown;
  fieldErrors?: FieldErrors;
} & (NeedsParams<Id> extends true ? { params: ErrorParams<Id> } : { params?: undefined });

type ErrorArgs<Id extends AppErrorId> =
  NeedsParams<Id> extends true ? [options: ErrorOptions<Id>] : [options?: ErrorOptions<Id>];

/** An entry's message with its `{name}` placeholders filled in (for errors that other libraries raise). */
export function errorMessage<Id extends AppErrorId>(
  id: Id,
  ...[params]: NeedsParams<Id> extends true ? [params: ErrorParams<Id>] : []
): string {
  return fillMessage(APP_ERRORS[id].message, params);
}

/**
 * An entry's message for documentation: the given params filled in, every other placeholder shown as "…"
 * (e.g. "Too many requests: please wait … s and try again.").
 */
export function describeError(id: AppErrorId, params: Record<string, string | number> = {}): string {
  return fillMessage(APP_ERRORS[id].message, params).replace(/\{\w+\}/g, "…");
}

/** The HTTP status of an entry of the table. */
export function httpStatusOf(id: AppErrorId): number {
  return ERROR_KINDS[APP_ERRORS[id].kind].httpStatus;
}

/** The public code of an entry of the table. */
export function publicCodeOf(id: AppErrorId): string {
  return (APP_ERRORS[id] as ErrorEntry).code ?? id;
}

function fillMessage(template: string, params: Record<string, string | number> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    params && name in params ? String(params[name]) : placeholder,
  );
}

/** Field → messages, for validation failures ("" is the input as a whole). */
export type FieldErrors = Record<string, string[]>;

export class AppError<Id extends AppErrorId = AppErrorId> extends Error {
  /** The entry of the table. */
  readonly id: Id;
  /** The public, machine-readable code (the entry's name unless it says otherwise). */
  readonly code: string;
  readonly kind: ErrorKind;
  readonly source: ErrorSource;
  /** Per-field problems (validation failures only). */
  readonly fieldErrors?: FieldErrors;

  constructor(id: Id, ...[options]: ErrorArgs<Id>) {
    const entry: ErrorEntry = APP_ERRORS[id];
    super(
      fillMessage(entry.message, options?.params),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "AppError";
    this.id = id;
    this.code = publicCodeOf(id);
    this.kind = entry.kind;
    this.source = entry.source;
    if (options?.fieldErrors) this.fieldErrors = options.fieldErrors;
  }

  get httpStatus(): number {
    return httpStatusOf(this.id);
  }

  /** Response headers that go with this error on HTTP transports (e.g. Retry-After). */
  headers(): Record<string, string> | undefined {
    const seconds = (APP_ERRORS[this.id] as ErrorEntry).retryAfterSeconds;
    return seconds === undefined ? undefined : { "retry-after": String(seconds) };
  }

  /** A validation failure: every field's problems in the message and in `fieldErrors`. */
  static validation(error: ZodError): AppError<"VALIDATION_FAILED"> {
    return new AppError("VALIDATION_FAILED", {
      params: { details: validationDetails(error) },
      fieldErrors: fieldErrorsOf(error),
      cause: error,
    });
  }
}

/**
 * The AppError of an error the app expects: itself, or "the database cannot be reached" (a 503 with a retry
 * hint), or "its tables are missing" (a 503 saying to migrate). Undefined for anything else, which is a real fault (a 500 that reveals nothing).
 */
export function asAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isDatabaseNotMigrated(error)) return new AppError("DATABASE_NOT_MIGRATED", { cause: error });
  if (isDatabaseUnavailable(error)) return new AppError("SERVICE_UNAVAILABLE", { cause: error });
  return undefined;
}

export function fieldErrorsOf(error: ZodError): FieldErrors {
  // A Map, not an object: a client's field may be named `toString` or `__proto__`.
  const fields = new Map<string, string[]>();
  const add = (key: string, message: string) => fields.set(key, [...(fields.get(key) ?? []), message]);
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      // Each unknown field under its own name (not the object's, "" at the top level).
      const prefix = key === "" ? "" : `${key}.`;
      for (const unknown of issue.keys) add(prefix + unknown, `Unrecognized key: "${unknown}"`);
      continue;
    }
    add(key, issue.message);
  }
  return Object.fromEntries(fields);
}

/** visitorId → visitor_id. */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * "did you mean visitor_id?" for unknown keys that are the camelCase of a field this input expects (one the
 * same error reports as missing or wrong, at the same level).
 */
function camelCaseHints(error: ZodError): string[] {
  const fields = new Set(error.issues.map((issue) => issue.path.map(String).join(".")));
  return error.issues.flatMap((issue) => {
    if (issue.code !== "unrecognized_keys") return [];
    const prefix = issue.path.map((part) => `${String(part)}.`).join("");
    return issue.keys.flatMap((key) => {
      const snake = snakeCase(key);
      return snake !== key && fields.has(prefix + snake) ? [`${prefix}${key}: did you mean ${snake}?`] : [];
    });
  });
}

function validationDetails(error: ZodError): string {
  const parts = error.issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    return issue.message.startsWith(field) || field === "" ? issue.message : `${field}: ${issue.message}`;
  });
  return [...parts, ...camelCaseHints(error)].join("; ");
}

/** "Invalid input: visitor_id is required. …; message must not be empty" */
export function validationMessage(error: ZodError): string {
  return errorMessage("VALIDATION_FAILED", { details: validationDetails(error) });
}
