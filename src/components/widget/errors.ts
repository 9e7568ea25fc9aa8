import { TRPCClientError } from "@trpc/client";
import type { WidgetTranslator } from "./translator";

/** A field of a tRPC error's `data` (httpStatus, code, domainCode), if it is there. */
function dataField(error: unknown, field: string): unknown {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  return typeof data === "object" && data !== null && field in data
    ? (data as Record<string, unknown>)[field]
    : undefined;
}

function httpStatusOf(error: unknown): number | undefined {
  const status = dataField(error, "httpStatus");
  return typeof status === "number" ? status : undefined;
}

/** Network down, connection cut, or a 5xx: worth retrying on its own. A 4xx will not change on retry. */
export function isTransientError(error: unknown): boolean {
  if (isAbortError(error)) return false;
  const status = httpStatusOf(error);
  return status === undefined || status >= 500;
}

/** The server answered that the thing is unknown (or the id malformed, which it reports the same way). */
export function isNotFoundError(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === 404 || status === 400;
}

export function isAbortError(error: unknown): boolean {
  if (error instanceof DOMException && error.name === "AbortError") return true;
  if (error instanceof Error && error.name === "AbortError") return true;
  return error instanceof TRPCClientError && isAbortError(error.cause);
}

type ErrorKey = Parameters<WidgetTranslator>[0] & `errors.${string}`;

/**
 * The widget's own words for the errors it knows, by the server's code (src/server/errors/app-error.ts): the
 * domain's code (`data.domainCode`, or the `code` of a reply stream's error event) first, then the tRPC code of
 * the kind. The server writes in English; these are in the visitor's language.
 */
const BY_CODE: Record<string, ErrorKey> = {
  REPLY_FAILED: "errors.replyFailed",
  SERVICE_UNAVAILABLE: "errors.unavailable",
  SESSION_NOT_FOUND: "errors.notFound",
  VISITOR_NOT_FOUND: "errors.notFound",
  MESSAGE_NOT_FOUND: "errors.notFound",
  SESSION_OF_ANOTHER_VISITOR: "errors.notFound",
  REPLY_NOT_RETRYABLE: "errors.notRetryable",
  IDENTITY_REQUIRED: "errors.identityRequired",
  VALIDATION_FAILED: "errors.invalid",
  // tRPC codes (the kind), for errors without a domain code.
  TOO_MANY_REQUESTS: "errors.rateLimited",
  PAYLOAD_TOO_LARGE: "errors.tooLong",
  NOT_FOUND: "errors.notFound",
  INTERNAL_SERVER_ERROR: "errors.generic",
  BAD_GATEWAY: "errors.replyFailed",
};

/** The text for an error code with the server's English message: ours if we know the code, else the server's. */
export function localizedError(
  t: WidgetTranslator,
  code: string | null | undefined,
  message: string,
): string {
  const key = code ? BY_CODE[code] : undefined;
  return key ? t(key) : message;
}

/**
 * What to tell the visitor about a failed request: our own words for the codes we know; the server's words for
 * another 4xx (they say what to do next); a generic line for anything else.
 */
export function messageOf(error: unknown, t: WidgetTranslator): string {
  if (error instanceof TRPCClientError && httpStatusOf(error) !== undefined && !isTransientError(error)) {
    const domainCode = dataField(error, "domainCode");
    const code = dataField(error, "code");
    if (typeof domainCode === "string" && BY_CODE[domainCode]) return localizedError(t, domainCode, "");
    return localizedError(t, typeof code === "string" ? code : null, error.message);
  }
  return t("errors.generic");
}

/** A rejected email address (validation) gets its own line; other failures are told as usual. */
export function emailErrorOf(error: unknown, t: WidgetTranslator): string {
  return dataField(error, "domainCode") === "VALIDATION_FAILED"
    ? t("errors.invalidEmail")
    : messageOf(error, t);
}

/** 1 s, 2 s, 4 s … capped at 15 s. */
export function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 15_000);
}

/** The domain's error code of a tRPC error (`data.domainCode`, src/server/errors/app-error.ts), if any. */
export function domainCodeOf(error: unknown): string | undefined {
  const code = dataField(error, "domainCode");
  return typeof code === "string" ? code : undefined;
}
