/**
 * Every failure the chat domain reports on purpose. Transports map `kind` to their own vocabulary in one place
 * each (tRPC codes in src/server/api/trpc.ts; HTTP statuses follow from those), and show `message` as is:
 * it says what went wrong and what to do next.
 */
export type ChatErrorKind = "bad_request" | "not_found" | "forbidden" | "conflict" | "upstream_failed";

export const CHAT_ERRORS = {
  VISITOR_NOT_FOUND: {
    kind: "not_found",
    message:
      "Visitor not found. Create one with POST /api/chats/visitors/ first, then send its id as visitor_id.",
  },
  SESSION_NOT_FOUND: {
    kind: "not_found",
    message: "Session not found. Create one with POST /api/chats/sessions/ (with your visitor_id) first.",
  },
  SESSION_OF_ANOTHER_VISITOR: {
    kind: "forbidden",
    message: "This session belongs to another visitor. Use the visitor_id that created the session.",
  },
  MESSAGE_NOT_FOUND: {
    kind: "not_found",
    message: "Message not found in this session.",
  },
  NOT_AN_ASSISTANT_MESSAGE: {
    kind: "bad_request",
    message: "Only the assistant's replies can be retried or stopped; pass the id of an assistant message.",
  },
  REPLY_NOT_RETRYABLE: {
    kind: "conflict",
    message:
      "Only a failed or stopped reply can be retried. Wait for this one to finish, or send a new message.",
  },
  INVALID_CURSOR: {
    kind: "bad_request",
    message: "cursor is not valid. Pass the next_cursor value of the previous page unchanged, or omit it.",
  },
  API_KEY_NOT_FOUND: {
    kind: "not_found",
    message: "API key not found. List the keys on /admin/api-keys and pass the id of one of them.",
  },
  API_KEYS_NEED_SIGN_IN: {
    kind: "forbidden",
    message:
      "API keys are managed by a signed-in admin on /admin/api-keys; a bearer key cannot create or revoke keys.",
  },
  INVALID_DATE_RANGE: {
    kind: "bad_request",
    message: "from must be on or before to (both days as YYYY-MM-DD, UTC).",
  },
  REPLY_FAILED: {
    kind: "upstream_failed",
    message: "The assistant could not reply. Your message was saved; try again in a moment.",
  },
} as const satisfies Record<string, { kind: ChatErrorKind; message: string }>;

export type ChatErrorCode = keyof typeof CHAT_ERRORS;

export class ChatError extends Error {
  readonly code: ChatErrorCode;
  readonly kind: ChatErrorKind;

  constructor(code: ChatErrorCode, options?: { cause?: unknown }) {
    super(CHAT_ERRORS[code].message, options);
    this.name = "ChatError";
    this.code = code;
    this.kind = CHAT_ERRORS[code].kind;
  }
}
