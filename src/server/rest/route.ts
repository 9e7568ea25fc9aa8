import { ZodError, type z } from "zod";
import { requireAdmin, type AdminPrincipal } from "../admin/auth/admin-access";
import type { ChatDeps } from "../chat/deps";
import { controlCharacterIssues } from "../chat/limits";
import { AppError, type AppErrorId } from "../errors/app-error";
import { logError, requestIdOf } from "../observability/logger";
import { clientIp, enforceRateLimit, type LimitedAction } from "../protection/rate-limits";
import { getChatDeps } from "../runtime/runtime";
import { restErrorResponse, toRestError } from "./errors";

/**
 * A REST-only route (not a tRPC procedure: a file, a stream, an upload) as one declaration: its method and path,
 * who may call it, its rate limit, its input, the errors it answers, its OpenAPI operation and its handler.
 * From the table of these (routes.ts) come the route files' exports (route-exports.ts), the `Allow` table
 * (methods.ts) and the OpenAPI operations (openapi.ts).
 */

type Json = Record<string, unknown>;

/**
 * public: anyone (no visitor id); visitor: a visitor's own data (CORS for the widget); admin: admins and
 * admin-scoped keys; agent: also agents and agent-scoped keys (and, for a GET, read-scoped keys; roles.ts).
 */
export type RouteAccess = "public" | "visitor" | "admin" | "agent";

/** The routes that need a signed-in user or an API key. */
export function isAdminAccess(access: RouteAccess): access is "admin" | "agent" {
  return access === "admin" || access === "agent";
}
export type RouteMethod = "GET" | "POST";

/** Where the input is read from: the query (and the path's parameters), or a JSON body. */
export interface RouteInput<Input> {
  in: "query" | "body";
  /** The schema the document shows (for a query: one parameter per field; for a body: the requestBody). */
  schema: z.ZodObject;
  read(request: Request, params: Record<string, string>): Promise<Input> | Input;
}

export interface RouteCall<Input> {
  request: Request;
  params: Record<string, string>;
  input: Input;
  deps: ChatDeps;
  /** The caller of an admin route. */
  principal: AdminPrincipal | undefined;
}

/** Helpers the document's builder (openapi.ts) hands to an operation's `responses`. */
export interface OpenApiParts {
  /** The success envelope `{ success, message, data }` around a data schema. */
  successEnvelope(dataSchema: unknown, message: string): Json;
  /** A zod schema as a component-referencing JSON schema. */
  schemaOf(schema: z.ZodType, io?: "input" | "output"): Json;
  /** The SSE frames of a stream, generated from its events (the chat's, or the event catalogue's). */
  eventStream(kind: "chat" | "session" | "admin"): Json;
  /** `$ref` to a response header of components.headers. */
  headerRef(name: string): Json;
}

export interface RouteOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  /** Parameters, if not the input's (a query input gives one per field). */
  parameters?: Json[];
  requestBody?: Json;
  /** The success responses (the error responses come from `errors`, `access`, `rateLimit` and `input`). */
  responses(parts: OpenApiParts): Record<string, Json>;
}

export interface RestRoute<Input = unknown> {
  method: RouteMethod;
  /** As in the OpenAPI document, without `/api` and the trailing slash: `/admin/exports/sessions/{id}`. */
  path: string;
  access: RouteAccess;
  rateLimit?: { action: LimitedAction; keys(input: Input): { visitorId?: string; sessionId?: string } };
  input?: RouteInput<Input>;
  /** The body the route reads besides a JSON input: multipart (its own size limit and errors). */
  body?: "multipart";
  /** The domain errors it answers (validation, access, rate limit, server faults are added from the above). */
  errors: readonly AppErrorId[];
  /** The error for a method this path does not serve (default METHOD_NOT_ALLOWED). */
  methodNotAllowed?: Extract<AppErrorId, "METHOD_NOT_ALLOWED" | "CHAT_STREAM_METHOD_NOT_ALLOWED">;
  /** Names the route in log lines. */
  name: string;
  openapi: RouteOperation;
  handle(call: RouteCall<Input>): Promise<Response>;
}

/** Declares a route (the table holds routes of different inputs). */
export function restRoute<Input>(route: RestRoute<Input>): RestRoute {
  return route as unknown as RestRoute;
}

/**
 * Serves one call of a route: the admin check (before anything else is read), the input, the rate limit, then
 * the handler; every refusal before the handler answers is the REST error envelope.
 */
export async function serveRoute(
  route: RestRoute,
  request: Request,
  params: Record<string, string>,
): Promise<Response> {
  try {
    let principal: AdminPrincipal | undefined;
    let deps: ChatDeps | undefined;
    if (isAdminAccess(route.access)) {
      deps = await getChatDeps();
      principal = await requireAdmin(deps, request.headers, {
        level: route.access,
        write: route.method !== "GET",
      });
    }
    const input = route.input ? await route.input.read(request, params) : undefined;
    const issues = controlCharacterIssues(input);
    if (issues.length > 0) throw AppError.validation(new ZodError(issues));
    if (route.rateLimit)
      await enforceRateLimit(route.rateLimit.action, {
        ip: clientIp(request.headers),
        ...route.rateLimit.keys(input),
      });
    deps ??= await getChatDeps();
    return await route.handle({ request, params, input, deps, principal });
  } catch (error) {
    const restError = toRestError(error);
    if (restError.status >= 500)
      logError(`${route.name} failed`, error, { requestId: requestIdOf(request.headers) });
    return restErrorResponse(restError);
  }
}
