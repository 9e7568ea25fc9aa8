/**
 * The tRPC side of the error table (src/server/errors/app-error.ts): an AppError (or a database that cannot be
 * reached) becomes the TRPCError of its kind, and the error formatter shapes what tRPC clients see.
 */
import { TRPCError, type TRPC_ERROR_CODE_KEY, type TRPCDefaultErrorShape } from "@trpc/server";
import { getDefaultErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { ZodError } from "zod";
import {
  AppError,
  asAppError,
  ERROR_KINDS,
  errorMessage,
  fieldErrorsOf,
  validationMessage,
  type ErrorKind,
} from "../errors/app-error";

/** The tRPC code of a kind (typed against tRPC's own list of codes). */
export function trpcCodeOf(kind: ErrorKind): TRPC_ERROR_CODE_KEY {
  return ERROR_KINDS[kind].trpcCode;
}

/**
 * The TRPCError for an error the app expects (AppError, database down), keeping a message that tells the
 * caller what to do; undefined for anything else (a real fault: 500 without details).
 */
export function toTRPCError(error: unknown): TRPCError | undefined {
  const known = asAppError(error);
  if (!known) return undefined;
  return new TRPCError({ code: trpcCodeOf(known.kind), message: known.message, cause: known });
}

/**
 * An input refused before its procedure's schema ran (the control-character rule on the raw input, trpc.ts), as
 * tRPC's own input validation reports it: BAD_REQUEST caused by the ZodError, so it has field detail.
 */
export function inputRefusedError(error: ZodError): TRPCError {
  return new TRPCError({ code: "BAD_REQUEST", cause: error });
}

/**
 * The errorFormatter: validation failures list every field's problems, domain errors add their code
 * (`data.domainCode`), and an unexpected fault reveals nothing.
 */
export function formatTRPCError({ shape, error }: { shape: TRPCDefaultErrorShape; error: TRPCError }) {
  const zodError = error.cause instanceof ZodError ? error.cause : null;
  const domainError = error.cause instanceof AppError && error.cause.source === "domain" ? error.cause : null;
  const internal = error.code === "INTERNAL_SERVER_ERROR";
  return {
    ...shape,
    message: zodError
      ? validationMessage(zodError)
      : internal
        ? errorMessage("INTERNAL_ERROR")
        : shape.message,
    data: {
      ...shape.data,
      stack: undefined,
      domainCode: domainError?.code ?? (zodError ? "VALIDATION_FAILED" : null),
      fieldErrors: zodError ? fieldErrorsOf(zodError) : null,
    },
  };
}

/**
 * tRPC's answer for a request refused before any procedure runs (src/server/api/http.ts, src/proxy.ts): one
 * error in the shape the errorFormatter gives every tRPC error, with the error's status and headers (e.g.
 * Retry-After). Light on purpose (no router), so the proxy can use it.
 */
export function trpcErrorResponse(cause: unknown): Response {
  const known = asAppError(cause) ?? new AppError("INTERNAL_ERROR", { cause });
  const error = new TRPCError({ code: trpcCodeOf(known.kind), message: known.message, cause: known });
  const shape = formatTRPCError({
    shape: getDefaultErrorShape({ error, path: undefined, isDev: false }),
    error,
  });
  return Response.json({ error: shape }, { status: known.httpStatus, headers: known.headers() });
}
