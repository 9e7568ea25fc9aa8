/**
 * tRPC set-up: context, error shape (src/server/api/errors.ts) and middlewares.
 * Routers stay thin: parse input with the domain's zod schemas, call the domain, return its DTOs.
 */
import { initTRPC } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { env } from "~/env";
import { requireAdmin, type AccessNeed } from "../admin/auth/admin-access";
import type { AccessLevel } from "../admin/auth/roles";
import type { ChatDeps } from "../chat/deps";
import { getChatDeps } from "../runtime/runtime";
import { AppError, type AppErrorId, type DomainErrorId } from "../errors/app-error";
import { clientIp, enforceRateLimit, type LimitedAction } from "../protection/rate-limits";
import { isSameOriginRequest } from "../protection/same-origin";
import { ZodRealError } from "zod";
import { controlCharacterIssues } from "../chat/limits";
import { formatTRPCError, inputRefusedError, toTRPCError } from "./errors";

/**
 * Procedure metadata: trpc-to-openapi's `openapi` block, the domain errors the procedure raises (`errors`, the
 * OpenAPI error responses are derived from them), plus how the REST bridge presents a success (`rest`): its
 * status and short human message, and data to attach to given errors.
 */
export type ProcedureMeta = OpenApiMeta<{
  /**
   * The domain errors this procedure's own work can raise (src/server/errors/app-error.ts). The ones its
   * middlewares raise (validation, admin access, rate limits, server faults) are implied and not listed.
   */
  errors?: readonly DomainErrorId[];
  /**
   * Who may call this admin procedure (src/server/admin/auth/roles.ts): `agent` opens it to agents (and its
   * queries to read-scoped keys); left out, it is for admins only.
   */
  access?: AccessLevel;
  /** The rate limits this procedure consumes (enforced by the callPipeline middleware, documented as 429). */
  rateLimit?: LimitedAction;
  /** The input's `id` is a visitor id (visitors.validate, visitors.identify): its per-visitor limits key on it. */
  idIsVisitor?: true;
  /**
   * The procedure returns a stream: over HTTP it is served only to httpBatchStreamLink (`trpc-accept:
   * application/jsonl`), and refused before it runs otherwise (src/server/api/http.ts).
   */
  stream?: true;
  /**
   * The procedure starts an assistant reply that may outlive its response (a stream the client leaves): the
   * route keeps the process alive for it at shutdown (src/server/runtime/drain.ts), and only for such calls.
   */
  startsReply?: true;
  rest?: {
    successStatus?: 200 | 201;
    successMessage: string;
    /** The JSON body may be left out (no required field: e.g. the id is in the path); the document says so. */
    bodyOptional?: boolean;
    errorData?: Partial<Record<AppErrorId, Record<string, unknown>>>;
  };
}>;

export interface TRPCContext {
  /** Resolved per procedure (see callPipeline): a database that is down fails the call with a 503, cleanly. */
  getDeps: () => Promise<ChatDeps>;
  headers: Headers;
  /** The client's address, for per-IP rate limits. */
  ip: string;
  /** The calls' rate limits were consumed before tRPC ran them (streamed calls over HTTP: src/server/api/http.ts). */
  rateLimitsConsumed?: boolean;
}

export function createTRPCContext(opts: { headers: Headers; rateLimitsConsumed?: boolean }): TRPCContext {
  return {
    getDeps: getChatDeps,
    headers: opts.headers,
    ip: clientIp(opts.headers),
    rateLimitsConsumed: opts.rateLimitsConsumed,
  };
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter: formatTRPCError,
    // Subscriptions (sessions.events) over SSE: a ping at least every 15 s keeps proxies from closing an idle
    // stream, and the client reconnects (resuming from the last tracked id) if it hears nothing for longer.
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 40_000 },
    },
  });

/**
 * Consumes the rate limits named in a procedure's meta for one call: the caller's IP, and the visitor and
 * session ids of the call's raw input (counted before validation, so invalid floods are limited too). Every call
 * of a batch is one call. Throws RateLimitedError (429) when a limit is spent.
 */
export async function consumeRateLimit(meta: ProcedureMeta | undefined, ip: string, rawInput: unknown) {
  if (!meta?.rateLimit) return;
  const ids = (rawInput ?? {}) as { id?: unknown; visitor_id?: unknown; session_id?: unknown };
  const visitorId = meta.idIsVisitor ? ids.id : ids.visitor_id;
  await enforceRateLimit(meta.rateLimit, {
    ip,
    visitorId: typeof visitorId === "string" ? visitorId : undefined,
    sessionId: typeof ids.session_id === "string" ? ids.session_id : undefined,
  });
}

/** What calling an admin procedure needs: its `access` level (admin unless it says agent), and whether it writes. */
export function accessNeedOf(meta: ProcedureMeta | undefined, type: string): AccessNeed {
  return { level: meta?.access ?? "admin", write: type === "mutation" };
}

/**
 * What every procedure's call goes through, in this order, as ONE middleware (each tRPC middleware level copies
 * the call's options and context and adds promises: four levels were ≈ 5 % of a `visitors.create`'s server CPU,
 * bench/RESULTS.md, issue 24 item 4):
 *
 * 1. the rate limits of the procedure's meta (unless consumed before tRPC ran: src/server/api/http.ts);
 * 2. the control-character rule (src/server/chat/limits.ts) on the raw input, whatever the schema: a string or
 *    key with one is refused with a 400 naming the field (search parameters of the REST bridge included);
 * 3. the app's dependencies (`ctx.deps`; a database that is down fails the call with a 503, cleanly);
 * 4. known errors: an AppError (or a database that cannot be reached) raised by any of the above, by a later
 *    middleware (adminOnly) or by the procedure becomes the TRPCError of its kind (src/server/api/errors.ts).
 */
const callPipeline = t.middleware(async ({ ctx, meta, getRawInput, next }) => {
  let deps: ChatDeps;
  try {
    const rawInput = await getRawInput().catch(() => undefined);
    if (meta?.rateLimit && !ctx.rateLimitsConsumed) await consumeRateLimit(meta, ctx.ip, rawInput);
    const issues = controlCharacterIssues(rawInput);
    // As tRPC reports an input its schema refused: BAD_REQUEST caused by the ZodError (field detail).
    if (issues.length > 0) throw inputRefusedError(new ZodRealError(issues));
    deps = await ctx.getDeps();
  } catch (error) {
    throw toTRPCError(error) ?? error;
  }
  const result = await next({ ctx: { deps } });
  if (!result.ok) {
    const known = toTRPCError(result.error.cause);
    if (known) throw known;
  }
  return result;
});

/**
 * Admin access: a signed-in user's session cookie, a managed API key, or the bootstrap ADMIN_API_KEY, whose role
 * or scope reaches the procedure's `access` level (agents: only `access: "agent"` procedures). A change
 * (mutation) made with the cookie must come from this app's own pages (protection/same-origin.ts).
 */
const adminOnly = t.middleware(async ({ ctx, meta, type, next }) => {
  const principal = await requireAdmin(await ctx.getDeps(), ctx.headers, accessNeedOf(meta, type));
  if (
    type === "mutation" &&
    principal.kind === "session" &&
    !isSameOriginRequest(ctx.headers, env.BETTER_AUTH_URL)
  ) {
    throw new AppError("CROSS_SITE_ADMIN_REQUEST");
  }
  return next({ ctx: { principal } });
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(callPipeline);
/** Internal data (all visitors): needs admin access (see adminOnly). Never exposed to visitors. */
export const adminProcedure = publicProcedure.use(adminOnly);

/** Only a signed-in admin (not a bearer key): managing the API keys themselves. */
export const adminSessionProcedure = adminProcedure.use(({ ctx, next }) => {
  if (ctx.principal.kind !== "session") throw new AppError("API_KEYS_NEED_SIGN_IN");
  return next({ ctx: { principal: ctx.principal } });
});
