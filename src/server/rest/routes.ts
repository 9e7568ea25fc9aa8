import type { z } from "zod";
import {
  CSV_COLUMNS,
  exportSessionsInputSchema,
  exportTranscriptInputSchema,
  type ExportSessionsInput,
  type ExportTranscriptInput,
} from "../admin/exports/exports.schema";
import { procedureMetaByPath } from "../api/root";
import { ADMIN_EVENT_TYPES, EVENT_CATALOGUE, SESSION_EVENT_TYPES } from "../chat/events/catalogue";
import { chatInputSchema, type ChatInput } from "../chat/messages/message.schema";
import { sessionEventsInputSchema, type SessionEventsInput } from "../chat/sessions/session.schema";
import { adminEvents } from "./admin-events";
import {
  adminAttachmentInputSchema,
  adminUploadInputSchema,
  visitorAttachmentInputSchema,
  visitorUploadInputSchema,
  type AdminAttachmentInput,
  type AdminUploadInput,
  type VisitorAttachmentInput,
  type VisitorUploadInput,
} from "../chat/attachments/attachment.schema";
import { agentDownload, agentUpload, visitorDownload, visitorUpload } from "./attachments";
import { sessionsExport, transcriptExport } from "./admin-exports";
import { reportCsvDownload } from "./admin-reports";
import { REPORT_CSV_COLUMNS, reportInputSchema, type ReportInput } from "../admin/reports/reports.schema";
import { knowledgeUpload } from "./admin-knowledge-upload";
import { emailStop, inboundEmail } from "./inbound-email";
import { chatStream } from "./chat-stream";
import { readJsonBody } from "./request-body";
import { restRoute, type OpenApiParts, type RestRoute } from "./route";
import { sessionEvents, sessionEventsInput } from "./session-events";

const UUID = { type: "string", format: "uuid" };
const EVENT_ID = { type: "string", pattern: "^\\d{1,16}$" };

/** The 200 of a Server-Sent Events route: its frames on the wire (in the description) and their schema. */
function eventStreamOk(
  parts: OpenApiParts,
  kind: "chat" | "session" | "admin",
  wire: string[],
  example?: object,
): Record<string, Record<string, unknown>> {
  return {
    200: {
      description: ["The event stream. On the wire:", "", "```", ...wire, "```"].join("\n"),
      content: { "text/event-stream": { schema: parts.eventStream(kind), ...(example && { example }) } },
    },
  };
}

/** The 200 of an export download: the file as an attachment, CSV or JSON (`json`: the JSON file's schema). */
function exportFileOk(parts: OpenApiParts, json: object): Record<string, Record<string, unknown>> {
  return {
    200: {
      description: "The file, as an attachment (Content-Disposition).",
      headers: { "Content-Disposition": parts.headerRef("ContentDisposition") },
      content: { "text/csv": { schema: { type: "string" } }, "application/json": { schema: json } },
    },
  };
}

/** An OpenAPI parameter (path parameters are always required). */
function parameter(
  name: string,
  where: "path" | "query" | "header",
  description: string,
  schema: object,
  required = where === "path",
) {
  return { name, in: where, required, description, schema };
}

/**
 * THE table of REST-only routes (not tRPC procedures: the SSE streams, the export files, the upload). Each route
 * is declared once here; its route file under src/app/api only re-exports `restRouteExports(path)`
 * (route-exports.ts), its methods are in the `Allow` table (methods.ts) and its operation in the OpenAPI
 * document (openapi.ts). To add one: a handler in src/server/rest/, an entry here, and a route file.
 */

/** A query input: the query parameters and the path's, parsed by the schema. */
function queryInput<Schema extends z.ZodObject>(schema: Schema) {
  return {
    in: "query" as const,
    schema,
    read: (request: Request, params: Record<string, string>): z.output<Schema> =>
      schema.parse({ ...Object.fromEntries(new URL(request.url).searchParams), ...params }),
  };
}

/** A JSON body input (size limit, content type and JSON syntax checked by readJsonBody). */
function jsonInput<Schema extends z.ZodObject>(schema: Schema) {
  return {
    in: "body" as const,
    schema,
    read: async (request: Request): Promise<z.output<Schema>> => schema.parse(await readJsonBody(request)),
  };
}

const eventList = (types: readonly (keyof typeof EVENT_CATALOGUE)[]) =>
  types.map((type) => `- \`${type}\` — ${EVENT_CATALOGUE[type].when}.`);

const CSV_DESCRIPTION =
  `One row per message, columns ${CSV_COLUMNS.join(", ")}. UTF-8 with a byte-order mark (for Excel), RFC 4180 ` +
  "quoting (fields with commas, quotes or line breaks are quoted, quotes doubled), CRLF line ends. Cells that " +
  "start with = + - @ get a leading ' so spreadsheets never run them as formulas.";

/** A multipart upload's request body: the form's fields, `file` required. */
const multipartUploadBody = (properties: Record<string, unknown>) => ({
  required: true,
  content: {
    "multipart/form-data": { schema: { type: "object", required: ["file"], properties } },
  },
});

/** The multipart body of an attachment upload. */
const ATTACHMENT_UPLOAD_BODY = multipartUploadBody({
  file: { type: "string", format: "binary", description: "The file (one per request)." },
});

const ATTACHMENT_RULES =
  "One file in the multipart field `file`, at most ATTACHMENT_MAX_BYTES (default 10 MB; 413 `ATTACHMENT_TOO_LARGE` " +
  "above, counted while the body streams in). Its type is read from its bytes, never its name or the sent type: " +
  "PNG, JPEG, GIF and WebP images, PDF, UTF-8 text (not HTML, SVG or XML), docx, xlsx, pptx and odt; anything else " +
  "is 415 `ATTACHMENT_UNSUPPORTED_TYPE`. The file is stored unattached: send its id in a message's " +
  "`attachment_ids` (once) to show it in the conversation.";

const ATTACHMENT_FILE_DESCRIPTION =
  "The file as a download: `Content-Disposition: attachment; filename*=UTF-8''…`, `X-Content-Type-Options: nosniff`, " +
  "`Content-Security-Policy: sandbox; default-src 'none'`, `Cache-Control: private, no-store`. With `inline=1` an " +
  "image (PNG, JPEG, GIF, WebP, by its bytes) is served `inline` (for a thumbnail); other files stay attachments.";

function attachmentUploadOk(parts: OpenApiParts): Record<string, Record<string, unknown>> {
  return {
    201: {
      description: "Stored: the attachment, to send in a message's `attachment_ids`.",
      content: {
        "application/json": {
          schema: parts.successEnvelope({ $ref: "#/components/schemas/Attachment" }, "File uploaded."),
        },
      },
    },
  };
}

function attachmentFileOk(parts: OpenApiParts): Record<string, Record<string, unknown>> {
  return {
    200: {
      description: "The file's bytes, with the type read from them at upload.",
      headers: { "Content-Disposition": parts.headerRef("ContentDisposition") },
      content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
    },
  };
}

export const REST_ROUTES: readonly RestRoute[] = [
  restRoute<ChatInput>({
    method: "POST",
    path: "/chats/messages/chat/stream",
    access: "visitor",
    name: "chat stream",
    input: jsonInput(chatInputSchema),
    rateLimit: {
      action: "sendMessage",
      keys: (input) => ({ visitorId: input.visitor_id, sessionId: input.session_id }),
    },
    // The same rules as the chatStream procedure (errors after the stream starts are events).
    errors: procedureMetaByPath.get("messages.chatStream")?.errors ?? [],
    methodNotAllowed: "CHAT_STREAM_METHOD_NOT_ALLOWED",
    openapi: {
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
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: "#/components/schemas/ChatInput" } } },
      },
      responses: (parts) =>
        eventStreamOk(
          parts,
          "chat",
          [
            'event: start\ndata: {"user_message":{…},"assistant_message":{…,"status":"streaming"}}\n',
            'event: delta\ndata: {"text":"Paste this "}\n',
            'event: done\ndata: {"assistant_message":{…,"status":"complete"}}',
          ],
          // One frame as the schema describes it (`event` and its parsed `data`).
          { event: "delta", data: { text: "Paste this " } },
        ),
    },
    handle: chatStream,
  }),

  restRoute<SessionEventsInput>({
    method: "GET",
    path: "/chats/sessions/{id}/events",
    access: "visitor",
    name: "session events",
    input: { in: "query", schema: sessionEventsInputSchema, read: sessionEventsInput },
    rateLimit: {
      action: "readHistory",
      keys: (input) => ({ visitorId: input.visitor_id, sessionId: input.id }),
    },
    errors: ["VISITOR_NOT_FOUND", "SESSION_NOT_FOUND", "SESSION_OF_ANOTHER_VISITOR"],
    openapi: {
      operationId: "sessions-events",
      tags: ["Sessions"],
      summary: "Follow a session's events (Server-Sent Events)",
      description: [
        "Every change to the conversation as it happens, as `text/event-stream`. Each frame: `id:` the event's sequence (strictly increasing within the session, not contiguous), `event:` its type, `data:` JSON:",
        "",
        ...eventList(SESSION_EVENT_TYPES),
        "",
        "First connection: the replies still being written, each from its start, then live events. Resume: send `Last-Event-ID` (browsers' EventSource does it by itself) or `last_event_id`: every event after it, then live, with no gap and no duplicate. Events are kept for 15 minutes (at most 5,000 per session); a resume from further back gets `message.updated` for every message saved since and `session.updated` instead (a catch-up: its frames have distinct, increasing ids, and resuming from any of them loses nothing). A `Last-Event-ID` ahead of the session's sequence is taken as a first connection. A comment line (`: heartbeat`) comes at least every 15 s. The stream ends when the session is deleted.",
        "",
        "Refusals (validation, unknown visitor or session, another visitor's session, rate limit) are ordinary JSON error responses before the stream starts.",
      ].join("\n"),
      parameters: [
        parameter("id", "path", "The session.", UUID),
        parameter("visitor_id", "query", "The visitor who owns the session.", UUID, true),
        parameter(
          "last_event_id",
          "query",
          "Resume after this event (the `Last-Event-ID` header wins if both are sent).",
          EVENT_ID,
        ),
        parameter(
          "Last-Event-ID",
          "header",
          "Resume after this event (sent by EventSource when it reconnects).",
          EVENT_ID,
        ),
      ],
      responses: (parts) =>
        eventStreamOk(
          parts,
          "session",
          [
            'id: 1764118920123000\nevent: message.created\ndata: {"id":"…","role":"assistant","status":"streaming",…}\n',
            'id: 1764118920125000\nevent: message.delta\ndata: {"message_id":"…","text":"Paste this "}\n',
            ": heartbeat\n",
          ],
          {
            id: "1764118920125000",
            event: "message.delta",
            data: { message_id: "3f1c2b9e-8a4d-4c6b-9e2f-1a2b3c4d5e6f", text: "Hi" },
          },
        ),
    },
    handle: sessionEvents,
  }),

  restRoute<undefined>({
    method: "GET",
    path: "/admin/events",
    access: "agent",
    name: "admin events",
    errors: [],
    openapi: {
      operationId: "admin-events",
      tags: ["Admin inbox"],
      summary: "Every conversation's events, live (admin, Server-Sent Events)",
      description: [
        "Every session's events as `text/event-stream`, for integrations: `id:` `<session id>:<seq>`, `event:` the",
        "type, `data:` the event as JSON `{ seq, session_id, type, data }`. Types:",
        "",
        ...eventList(ADMIN_EVENT_TYPES),
        "",
        "Live only: Last-Event-ID is not needed (after a reconnect, list the sessions again). A `: heartbeat`",
        "comment every 15 s.",
      ].join("\n"),
      responses: (parts) =>
        eventStreamOk(parts, "admin", [
          'id: 3f0c6a52-…:1764118800000000\nevent: session.updated\ndata: {"seq":1764118800000000,"session_id":"3f0c6a52-…","type":"session.updated","data":{…,"mode":"waiting"}}',
        ]),
    },
    handle: adminEvents,
  }),

  restRoute<ExportSessionsInput>({
    method: "GET",
    path: "/admin/exports/sessions",
    access: "admin",
    name: "admin export",
    input: queryInput(exportSessionsInputSchema),
    errors: ["INVALID_DATE_RANGE"],
    openapi: {
      operationId: "admin-exports-sessions",
      tags: ["Admin"],
      summary: "Export sessions started in a date range (admin)",
      description:
        "Every session started between `from` and `to` (UTC days, inclusive; either may be omitted), oldest first, " +
        `with all its messages, as one file. CSV: ${CSV_DESCRIPTION}`,
      responses: (parts) =>
        exportFileOk(parts, {
          type: "object",
          required: ["exported_at", "from", "to", "sessions"],
          properties: {
            exported_at: { type: "string", format: "date-time" },
            from: { type: ["string", "null"] },
            to: { type: ["string", "null"] },
            sessions: { type: "array", items: { $ref: "#/components/schemas/Transcript" } },
          },
        }),
    },
    handle: sessionsExport,
  }),

  restRoute<ReportInput>({
    method: "GET",
    path: "/admin/reports/csv",
    access: "agent",
    name: "admin report",
    input: queryInput(reportInputSchema),
    errors: [],
    openapi: {
      operationId: "admin-reports-csv",
      tags: ["Admin"],
      summary: "Team reports as CSV (admin, agent)",
      description:
        "The report of GET /api/admin/reports/ (same parameters) as a CSV download: columns " +
        `${REPORT_CSV_COLUMNS.join(", ")}; one row per day or agent (an empty group: the conversations no agent ` +
        "answered), then a row `total`. Empty cells: no value. UTF-8 with a byte-order mark, RFC 4180 quoting, " +
        "CRLF line ends.",
      responses: (parts) => ({
        200: {
          description: "The file, as an attachment (Content-Disposition).",
          headers: { "Content-Disposition": parts.headerRef("ContentDisposition") },
          content: { "text/csv": { schema: { type: "string" } } },
        },
      }),
    },
    handle: reportCsvDownload,
  }),

  restRoute<ExportTranscriptInput>({
    method: "GET",
    path: "/admin/exports/sessions/{id}",
    access: "admin",
    name: "admin export",
    input: queryInput(exportTranscriptInputSchema),
    errors: ["SESSION_NOT_FOUND"],
    openapi: {
      operationId: "admin-exports-transcript",
      tags: ["Admin"],
      summary: "Export a transcript (admin)",
      description: `One session's transcript as a file. CSV: ${CSV_DESCRIPTION}`,
      responses: (parts) => exportFileOk(parts, { $ref: "#/components/schemas/TranscriptExport" }),
    },
    handle: transcriptExport,
  }),

  restRoute<undefined>({
    method: "POST",
    path: "/admin/knowledge/upload",
    access: "admin",
    name: "knowledge upload",
    body: "multipart",
    errors: [
      "VALIDATION_FAILED",
      "CROSS_SITE_ADMIN_REQUEST",
      "KNOWLEDGE_IMPORT_REFUSED",
      "KNOWLEDGE_IMPORT_EMPTY",
      "KNOWLEDGE_IMPORT_TOO_LARGE",
      "KNOWLEDGE_IMPORT_UNSUPPORTED_FILE",
    ],
    openapi: {
      operationId: "admin-knowledge-upload",
      tags: ["Admin knowledge base"],
      summary: "Import help articles from files (admin)",
      description:
        "Upload `.md`, `.txt`, `.html` or `.pdf` files, or a `.zip` of them, as `multipart/form-data`: one file in the " +
        "field `file`, or several (the field repeated, or `files`); optional field `published`: `true` or `false`. " +
        "Each file (each file inside a .zip) at most KNOWLEDGE_IMPORT_MAX_BYTES, the request at most " +
        "KNOWLEDGE_UPLOAD_MAX_BYTES. Markdown keeps its `# Title`; HTML keeps the page's documentation container " +
        "(or its main content); a PDF's text is extracted. Files are parsed in a worker with a deadline and a memory " +
        'limit. A file longer than an article may be is split at its headings into "Title (part n)" articles. ' +
        "Uploading a file of the same name again updates its articles in place. `data.report` has one line per " +
        "file: kept, split or refused and why. One plain file keeps the single-file contract: its refusal is the " +
        "request's error (400, 413, 415); with several files or a .zip, refused files are in the report.",
      requestBody: multipartUploadBody({
        file: {
          description: "A file; repeat the field for several.",
          oneOf: [
            { type: "string", format: "binary" },
            { type: "array", items: { type: "string", format: "binary" } },
          ],
        },
        files: { type: "array", items: { type: "string", format: "binary" } },
        published: { type: "string", enum: ["true", "false"] },
      }),
      responses: (parts) => ({
        200: {
          description: "The imported articles (created, updated or unchanged) and the per-file report.",
          content: {
            "application/json": {
              schema: parts.successEnvelope(
                { $ref: "#/components/schemas/KnowledgeImportResult" },
                "Imported.",
              ),
            },
          },
        },
      }),
    },
    handle: knowledgeUpload,
  }),

  restRoute<undefined>({
    method: "POST",
    path: "/inbound/email",
    access: "public",
    name: "inbound email",
    errors: [
      "INBOUND_EMAIL_UNAUTHORIZED",
      "INBOUND_EMAIL_NOT_MIME",
      "INBOUND_EMAIL_UNKNOWN_RECIPIENT",
      "INBOUND_EMAIL_EMPTY",
      "PAYLOAD_TOO_LARGE",
    ],
    openapi: {
      operationId: "inbound-email",
      tags: ["Email"],
      summary: "Receive a reply by email",
      description:
        "A visitor's reply to an email of the app, as the raw message (`Content-Type: message/rfc822`), sent by a " +
        "local MTA's pipe or a mail provider's inbound webhook with `Authorization: Bearer <INBOUND_EMAIL_SECRET>` " +
        "(401 without it). The conversation is the one its `reply+<token>@INBOUND_EMAIL_DOMAIN` recipient names (a " +
        "token no conversation has → 404, nothing stored). Only the new text is kept (quoted history and signature " +
        "stripped), stored as the visitor's message; a closed conversation reopens, and it joins the follow-up " +
        "queue. See docs/email.md.",
      requestBody: {
        required: true,
        content: { "message/rfc822": { schema: { type: "string", format: "binary" } } },
      },
      responses: (parts) => ({
        200: {
          description: "The reply was stored in its conversation.",
          content: {
            "application/json": {
              schema: parts.successEnvelope(
                {
                  type: "object",
                  required: ["session_id", "message"],
                  properties: {
                    session_id: { type: "string", format: "uuid" },
                    message: { $ref: "#/components/schemas/Message" },
                  },
                },
                "Reply stored.",
              ),
            },
          },
        },
      }),
    },
    handle: inboundEmail,
  }),

  restRoute<undefined>({
    method: "GET",
    path: "/inbound/email/stop",
    access: "public",
    name: "email stop link",
    errors: ["EMAIL_STOP_UNKNOWN_TOKEN"],
    openapi: {
      operationId: "email-stop",
      tags: ["Email"],
      summary: "Stop emails (an email's stop link)",
      description:
        "The link at the bottom of every email to a visitor: no more emails to that visitor (leaving an address " +
        "again in the widget turns them back on).",
      parameters: [
        parameter(
          "token",
          "query",
          "The conversation's email token (from the link).",
          { type: "string" },
          true,
        ),
      ],
      responses: (parts) => ({
        200: {
          description: "Emails stopped.",
          content: {
            "application/json": {
              schema: parts.successEnvelope(
                {
                  type: "object",
                  required: ["stopped"],
                  properties: { stopped: { type: "boolean", enum: [true] } },
                },
                "You will get no more emails about your conversations.",
              ),
            },
          },
        },
      }),
    },
    handle: emailStop,
  }),

  restRoute<VisitorUploadInput>({
    method: "POST",
    path: "/chats/sessions/{id}/attachments",
    access: "visitor",
    name: "attachment upload",
    input: queryInput(visitorUploadInputSchema),
    body: "multipart",
    rateLimit: {
      action: "uploadAttachment",
      keys: (input) => ({ visitorId: input.visitor_id, sessionId: input.id }),
    },
    errors: [
      "VISITOR_NOT_FOUND",
      "SESSION_NOT_FOUND",
      "SESSION_OF_ANOTHER_VISITOR",
      "IDENTITY_REQUIRED",
      "ATTACHMENT_TOO_LARGE",
      "ATTACHMENT_UNSUPPORTED_TYPE",
    ],
    openapi: {
      operationId: "attachments-upload",
      tags: ["Attachments"],
      summary: "Upload a file into a conversation (visitor)",
      description: `The conversation's visitor uploads a file. ${ATTACHMENT_RULES}`,
      requestBody: ATTACHMENT_UPLOAD_BODY,
      responses: attachmentUploadOk,
    },
    handle: visitorUpload,
  }),

  restRoute<VisitorAttachmentInput>({
    method: "GET",
    path: "/chats/sessions/{id}/attachments/{attachment_id}",
    access: "visitor",
    name: "attachment download",
    input: queryInput(visitorAttachmentInputSchema),
    rateLimit: {
      action: "readHistory",
      keys: (input) => ({ visitorId: input.visitor_id, sessionId: input.id }),
    },
    errors: ["ATTACHMENT_NOT_FOUND"],
    openapi: {
      operationId: "attachments-download",
      tags: ["Attachments"],
      summary: "Download a file of a conversation (visitor)",
      description:
        "A file of the conversation, for its visitor only: any other visitor (or an unknown id) gets 404 " +
        `\`ATTACHMENT_NOT_FOUND\`. ${ATTACHMENT_FILE_DESCRIPTION}`,
      responses: attachmentFileOk,
    },
    handle: visitorDownload,
  }),

  restRoute<AdminUploadInput>({
    method: "POST",
    path: "/admin/sessions/{id}/attachments",
    access: "agent",
    name: "agent attachment upload",
    input: queryInput(adminUploadInputSchema),
    body: "multipart",
    errors: [
      "SESSION_NOT_FOUND",
      "CROSS_SITE_ADMIN_REQUEST",
      "ATTACHMENT_TOO_LARGE",
      "ATTACHMENT_UNSUPPORTED_TYPE",
    ],
    openapi: {
      operationId: "admin-attachments-upload",
      tags: ["Admin inbox"],
      summary: "Upload a file into a conversation (agents)",
      description: `An agent uploads a file, to send in their reply's \`attachment_ids\` (POST /api/admin/sessions/{id}/messages/). ${ATTACHMENT_RULES}`,
      requestBody: ATTACHMENT_UPLOAD_BODY,
      responses: attachmentUploadOk,
    },
    handle: agentUpload,
  }),

  restRoute<AdminAttachmentInput>({
    method: "GET",
    path: "/admin/sessions/{id}/attachments/{attachment_id}",
    access: "agent",
    name: "agent attachment download",
    input: queryInput(adminAttachmentInputSchema),
    errors: ["ATTACHMENT_NOT_FOUND"],
    openapi: {
      operationId: "admin-attachments-download",
      tags: ["Admin inbox"],
      summary: "Download a file of a conversation (agents)",
      description: `Any file of the conversation, the visitor's or an agent's. ${ATTACHMENT_FILE_DESCRIPTION}`,
      responses: attachmentFileOk,
    },
    handle: agentDownload,
  }),
];

/** The route declared for a method and path (paths as in the table). */
export function restRoutesAt(path: string): RestRoute[] {
  return REST_ROUTES.filter((route) => route.path === path);
}
