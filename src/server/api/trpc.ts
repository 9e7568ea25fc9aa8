/**
 * tRPC set-up: context, error shape, and the one mapping from domain errors to tRPC codes.
 * Routers stay thin: parse input with the domain's zod schemas, call the domain, return its DTOs.
 */
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import type { ChatDeps } from "../chat/deps";
import { ChatError, type ChatErrorKind } from "../chat/errors";
import { getChatDeps } from "../chat/runtime";

export interface TRPCContext {
  deps: ChatDeps;
  headers: Headers;
}

export async function createTRPCContext(opts: { headers: Headers }): Promise<TRPCContext> {
  return { deps: await getChatDeps(), headers: opts.headers };
}

const TRPC_CODE_OF: Record<ChatErrorKind, TRPC_ERROR_CODE_KEY> = {
  bad_request: "BAD_REQUEST",
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  upstream_failed: "BAD_GATEWAY",
};

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again in a moment.";

/** Field → messages, for validation failures ("" is the input as a whole). */
export type FieldErrors = Record<string, string[]>;

export function fieldErrorsOf(error: ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** "Invalid input: visitor_id is required. …; message must not be empty" */
export function validationMessage(error: ZodError): string {
  const parts = error.issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    return issue.message.startsWith(field) || field === "" ? issue.message : `${field}: ${issue.message}`;
  });
  return `Invalid input: ${parts.join("; ")}`;
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      const domainError = error.cause instanceof ChatError ? error.cause : null;
      const internal = error.code === "INTERNAL_SERVER_ERROR" && !domainError;
      return {
        ...shape,
        message: zodError ? validationMessage(zodError) : internal ? INTERNAL_ERROR_MESSAGE : shape.message,
        data: {
          ...shape.data,
          stack: undefined,
          domainCode: domainError?.code ?? (zodError ? "VALIDATION_FAILED" : null),
          fieldErrors: zodError ? fieldErrorsOf(zodError) : null,
        },
      };
    },
  });

/** Turns a ChatError thrown by the domain into the TRPCError of matching code, keeping its message. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ChatError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE_OF[cause.kind], message: cause.message, cause });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(domainErrors);
