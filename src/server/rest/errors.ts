/**
 * The REST side of the error table (src/server/errors/app-error.ts): any failure becomes the error envelope,
 * with the status of its kind read from the table and the headers that go with it.
 */
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { AppError, asAppError, type FieldErrors } from "../errors/app-error";
import { payloadTooLargeError } from "../protection/body-limit";
import { unsupportedMediaTypeError } from "./request-body";

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

/**
 * The errors trpc-to-openapi raises itself (no procedure ran, so there is no AppError behind them): what
 * they are in the table. Only ROUTE_NOT_FOUND happens in practice; the body is read and checked before.
 */
function bridgeError(error: TRPCError): AppError | undefined {
  switch (error.code) {
    case "NOT_FOUND":
      return new AppError("ROUTE_NOT_FOUND");
    case "METHOD_NOT_SUPPORTED":
      return new AppError("METHOD_NOT_ALLOWED");
    case "PARSE_ERROR":
      return new AppError("MALFORMED_JSON", {
        params: { detail: error.cause instanceof Error ? error.cause.message : error.message },
      });
    case "UNSUPPORTED_MEDIA_TYPE":
      return unsupportedMediaTypeError(/content-type "([^"]*)/.exec(error.message)?.[1] ?? "");
    case "PAYLOAD_TOO_LARGE":
      return payloadTooLargeError();
    default:
      return undefined;
  }
}

/** The AppError behind any failure: validation, an expected error, or the bridge's own; undefined for a fault. */
function appErrorOf(cause: unknown): AppError | undefined {
  if (cause instanceof ZodError) return AppError.validation(cause);
  if (cause instanceof TRPCError) {
    // trpc-to-openapi hands over the TRPCError: the AppError (or ZodError) is its cause.
    const inner =
      cause.cause instanceof ZodError ? AppError.validation(cause.cause) : asAppError(cause.cause);
    return inner ?? bridgeError(cause);
  }
  return asAppError(cause);
}

/**
 * The one translation of any failure into the REST error envelope and status. Expected errors keep their code
 * and message; validation errors list every field's problems; anything unexpected is a 500 that reveals nothing.
 */
export function toRestError(
  cause: unknown,
  errorData?: Partial<Record<string, Record<string, unknown>>>,
): RestError {
  const error = appErrorOf(cause) ?? new AppError("INTERNAL_ERROR", { cause });
  const data = errorData?.[error.id];
  const headers = error.headers();
  return {
    status: error.httpStatus,
    body: {
      success: false,
      message: error.message,
      code: error.code,
      ...(error.fieldErrors && { errors: error.fieldErrors }),
      ...(data && { data }),
    },
    ...(headers && { headers }),
  };
}

export function restErrorResponse(error: RestError): Response {
  return Response.json(error.body, { status: error.status, headers: error.headers });
}
