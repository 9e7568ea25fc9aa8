/**
 * tRPC set-up: context, error shape, and the one mapping from domain errors to tRPC codes.
 * Routers stay thin: parse input with the domain's zod schemas, call the domain, return its DTOs.
 */
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import { authenticateAdmin } from "../admin/auth/admin-access";
import type { ChatDeps } from "../chat/deps";
import { ChatError, type ChatErrorCode, type ChatErrorKind } from "../chat/errors";
import { getChatDeps } from "../runtime/runtime";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db/unavailable";
import { clientIp, enforceRateLimit, RateLimitedError, type LimitedAction } from "../protection/rate-limits";

/**
 * Procedure metadata: trpc-to-openapi's `openapi` block, plus how the REST bridge presents a success
 * (`rest`): its status and short human message, and data to attach to given domain errors.
 */
export type ProcedureMeta = OpenApiMeta<{
  /** The rate limits this procedure consumes (enforced by the rateLimits middleware, documented as 429). */
  rateLimit?: LimitedAction;
  rest?: {
    successStatus?: 200 | 201;
    successMessage: string;
    errorData?: Partial<Record<ChatErrorCode, Record<string, unknown>>>;
  };
}>;

export interface TRPCContext {
  /** Resolved per procedure (see withDeps): a database that is down fails the call with a 503, cleanly. */
  getDeps: () => Promise<ChatDeps>;
  headers: Headers;
  /** The client's address, for per-IP rate limits. */
  ip: string;
}

export function createTRPCContext(opts: { headers: Headers }): TRPCContext {
  return { getDeps: getChatDeps, headers: opts.headers, ip: clientIp(opts.headers) };
}

const TRPC_CODE_OF: Record<ChatErrorKind, TRPC_ERROR_CODE_KEY> = {
  bad_request: "BAD_REQUEST",
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  conflict: "CONFLICT",
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
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      const domainError = error.cause instanceof ChatError ? error.cause : null;
      const internal = error.code === "INTERNAL_SERVER_ERROR";
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

/**
 * The TRPCError for an error the app expects (domain rule, rate limit, database down), keeping a message that
 * tells the caller what to do; undefined for anything else (a real fault: 500 without details).
 */
export function toTRPCError(error: unknown): TRPCError | undefined {
  if (error instanceof ChatError) {
    return new TRPCError({ code: TRPC_CODE_OF[error.kind], message: error.message, cause: error });
  }
  if (error instanceof RateLimitedError) {
    return new TRPCError({ code: "TOO_MANY_REQUESTS", message: error.message, cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: DATABASE_UNAVAILABLE_MESSAGE,
      cause: error,
    });
  }
  return undefined;
}

const knownErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const known = toTRPCError(result.error.cause);
    if (known) throw known;
  }
  return result;
});

/**
 * Consumes the rate limits named in the procedure's meta for this caller: its IP, and the visitor and
 * session ids of the raw input (counted before validation, so invalid floods are limited too).
 */
const rateLimits = t.middleware(async ({ ctx, meta, getRawInput, next }) => {
  if (meta?.rateLimit) {
    const raw = (await getRawInput().catch(() => undefined)) ?? {};
    const ids = raw as { visitor_id?: unknown; session_id?: unknown };
    await enforceRateLimit(meta.rateLimit, {
      ip: ctx.ip,
      visitorId: typeof ids.visitor_id === "string" ? ids.visitor_id : undefined,
      sessionId: typeof ids.session_id === "string" ? ids.session_id : undefined,
    });
  }
  return next();
});

export const ADMIN_KEY_REQUIRED_MESSAGE =
  "This endpoint is for administrators: send Authorization: Bearer <admin API key>, or sign in on /admin.";

/** Admin access: a signed-in admin's session cookie, a managed API key, or the bootstrap ADMIN_API_KEY. */
const adminOnly = t.middleware(async ({ ctx, next }) => {
  const principal = await authenticateAdmin(await ctx.getDeps(), ctx.headers);
  if (!principal) throw new TRPCError({ code: "UNAUTHORIZED", message: ADMIN_KEY_REQUIRED_MESSAGE });
  return next({ ctx: { principal } });
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
const withDeps = t.middleware(async ({ ctx, next }) => next({ ctx: { deps: await ctx.getDeps() } }));

export const publicProcedure = t.procedure.use(knownErrors).use(rateLimits).use(withDeps);
/** Internal data (all visitors): needs admin access (see adminOnly). Never exposed to visitors. */
export const adminProcedure = publicProcedure.use(adminOnly);

/** Only a signed-in admin (not a bearer key): managing the API keys themselves. */
export const adminSessionProcedure = adminProcedure.use(({ ctx, next }) => {
  if (ctx.principal.kind !== "session") throw toTRPCError(new ChatError("API_KEYS_NEED_SIGN_IN"))!;
  return next({ ctx: { principal: ctx.principal } });
});
