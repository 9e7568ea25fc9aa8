import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError } from "zod";
import { ChatError } from "../chat/errors";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db/unavailable";
import { RateLimitedError } from "../protection/rate-limits";
import {
  ADMIN_KEY_REQUIRED_MESSAGE,
  fieldErrorsOf,
  INTERNAL_ERROR_MESSAGE,
  toTRPCError,
  validationMessage,
  type FieldErrors,
} from "../api/trpc";

/** The REST bridge's error body. `code` is stable and machine-readable; `message` says what to do next. */
export interface RestErrorBody {
  success: false;
  message: string;
  code: string;
  errors?: FieldErrors;
  data?: Record<string, unknown>;
}

export interface RestError {
  status: number;
  body: RestErrorBody;
  headers?: Record<string, string>;
}

export const JSON_BODY_HINT = "Send the body as JSON with Content-Type: application/json";

/** Failures of the HTTP layer itself, before any procedure runs. */
export class RestRequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "RestRequestError";
  }
}

const CODE_OF_TRPC: Partial<Record<TRPCError["code"], { code: string; message?: string }>> = {
  UNAUTHORIZED: { code: "UNAUTHORIZED", message: ADMIN_KEY_REQUIRED_MESSAGE },
  PARSE_ERROR: { code: "MALFORMED_JSON", message: "The request body is not valid JSON." },
  UNSUPPORTED_MEDIA_TYPE: { code: "UNSUPPORTED_MEDIA_TYPE", message: `${JSON_BODY_HINT}.` },
  PAYLOAD_TOO_LARGE: { code: "PAYLOAD_TOO_LARGE" },
  NOT_FOUND: {
    code: "ROUTE_NOT_FOUND",
    message: "No such endpoint. The endpoints are listed at /api/docs/.",
  },
  METHOD_NOT_SUPPORTED: { code: "METHOD_NOT_ALLOWED" },
};

/**
 * The one translation of any failure into the REST error envelope and status. Domain errors keep their code
 * and message; validation errors list every field's problems; anything unexpected is a 500 that reveals nothing.
 */
export function toRestError(
  cause: unknown,
  errorData?: Partial<Record<string, Record<string, unknown>>>,
): RestError {
  if (cause instanceof RestRequestError) {
    return { status: cause.status, body: { success: false, message: cause.message, code: cause.code } };
  }
  if (cause instanceof ZodError) {
    return {
      status: 400,
      body: {
        success: false,
        message: validationMessage(cause),
        code: "VALIDATION_FAILED",
        errors: fieldErrorsOf(cause),
      },
    };
  }
  if (cause instanceof ChatError) {
    const status = getHTTPStatusCodeFromError(toTRPCError(cause)!);
    const data = errorData?.[cause.code];
    return {
      status,
      body: { success: false, message: cause.message, code: cause.code, ...(data && { data }) },
    };
  }
  if (cause instanceof RateLimitedError) {
    return {
      status: 429,
      body: { success: false, message: cause.message, code: "RATE_LIMITED" },
      headers: cause.headers(),
    };
  }
  if (isDatabaseUnavailable(cause)) {
    return {
      status: 503,
      body: { success: false, message: DATABASE_UNAVAILABLE_MESSAGE, code: "SERVICE_UNAVAILABLE" },
      headers: { "retry-after": "5" },
    };
  }
  if (cause instanceof TRPCError) {
    if (cause.cause instanceof ZodError || (cause.cause !== undefined && toTRPCError(cause.cause))) {
      return toRestError(cause.cause, errorData);
    }
    const known = CODE_OF_TRPC[cause.code];
    if (known) {
      return {
        status: getHTTPStatusCodeFromError(cause),
        body: { success: false, message: known.message ?? cause.message, code: known.code },
      };
    }
  }
  return { status: 500, body: { success: false, message: INTERNAL_ERROR_MESSAGE, code: "INTERNAL_ERROR" } };
}

export function restErrorResponse(error: RestError): Response {
  return Response.json(error.body, { status: error.status, headers: error.headers });
}
