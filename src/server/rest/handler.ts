import type { TRPCError } from "@trpc/server";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { appRouter, procedureMetaByPath } from "../api/root";
import { createTRPCContext, type TRPCContext } from "../api/trpc";
import { drainRepliesIfRunning } from "../runtime/drain";
import { restErrorResponse, toRestError } from "./errors";
import { allowedMethods, methodNotAllowedResponse } from "./methods";
import { readJsonBody } from "./request-body";
import { logError, requestIdOf } from "../observability/logger";
import { registerRoutes, routeOf } from "../observability/metrics";
import { REST_ROUTES } from "./routes";

// The REST paths (procedures with OpenAPI meta, REST-only routes) join the metric labels' route table, so a
// call is labelled `/api/chats/sessions/{id}/messages` rather than only its route file's catch-all.
registerRoutes([
  ...[...procedureMetaByPath.values()].flatMap((meta) => (meta?.openapi ? [`/api${meta.openapi.path}`] : [])),
  ...REST_ROUTES.map((route) => `/api${route.path}`),
]);

/** The REST bridge's success body: the payload is always wrapped in `data`, never merged into the top level. */
interface RestSuccessBody<T = unknown> {
  success: true;
  message: string;
  data: T;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
/** What the procedures use; anything else (HEAD, TRACE …) is a 405 with Allow before the bridge sees it. */
const SERVED_METHODS = new Set(["GET", "DELETE", ...BODY_METHODS]);
/** Where the REST paths start (`/api/chats/...`, `/api/admin/...` are the procedures' `/chats/...`, `/admin/...`). */
const ENDPOINT = "/api";

/** One REST call as the bridge follows it: what trpc-to-openapi reports about it, and what it answers. */
interface Call {
  request: Request;
  procedurePath?: string;
  error?: TRPCError;
  status: number;
  body: string;
}

/** The call each request proxy (onError) and each context (responseMeta) belongs to. */
const callOfRequest = new WeakMap<object, Call>();
const callOfContext = new WeakMap<object, Call>();

/**
 * trpc-to-openapi's node-http core, built once (its fetch adapter rebuilds it on every request: a copy of the
 * router and a RegExp per procedure, and in development a whole OpenAPI document). It is handed a proxy of the
 * request that carries the body as the bridge already parsed it (read once, not serialized and parsed again), the
 * path without `/api`, and the query collected in a prototype-free object; and a response object that keeps the
 * status and the payload text.
 */
const openApiHandler = (createOpenApiNodeHttpHandler as unknown as (options: BridgeOptions) => BridgeHandler)(
  {
    router: appRouter,
    createContext: ({ req }) => {
      const call = callOf(req);
      const context = createTRPCContext({ headers: call.request.headers });
      callOfContext.set(context, call);
      return context;
    },
    responseMeta: ({ ctx, paths, errors }) => {
      const call = ctx ? callOfContext.get(ctx) : undefined;
      if (call) {
        call.procedurePath = paths?.[0];
        call.error ??= errors[0];
      }
      return {};
    },
    onError: ({ error, path, req }) => {
      const call = callOf(req);
      call.error = error;
      if (error.code === "INTERNAL_SERVER_ERROR")
        logError("REST request failed", error.cause ?? error, {
          requestId: requestIdOf(call.request.headers),
          procedure: path ?? routeOf(new URL(call.request.url).pathname),
        });
    },
  },
);

/** The part of a node `ServerResponse` trpc-to-openapi's core writes to. */
interface OpenApiResponse {
  statusCode: number;
  setHeader(name: string, value: string | string[]): void;
  end(body?: string): void;
}

/** How the bridge calls trpc-to-openapi's core (typed for node's request and response, used with these). */
interface BridgeOptions {
  router: typeof appRouter;
  createContext(options: { req: Request }): TRPCContext;
  responseMeta(options: { ctx?: TRPCContext; paths?: readonly string[]; errors: TRPCError[] }): object;
  onError(options: { error: TRPCError; path?: string; req: Request }): void;
}
type BridgeHandler = (req: Request, res: OpenApiResponse) => Promise<void>;

function callOf(req: object): Call {
  const call = callOfRequest.get(req);
  if (!call) throw new Error("REST bridge: a request that the bridge did not hand over");
  return call;
}

/**
 * The request as trpc-to-openapi's core reads it: still a `Request` (its signal aborts the call when the client
 * goes away, its headers are the client's), with the path relative to `/api`, the parsed body, a JSON content type
 * (the bridge has accepted `application/*+json` and an empty body already), and the query parameters collected
 * into a prototype-free object — trpc-to-openapi collects them with `parsed[key] ??= []` then `.push`, so a
 * parameter named like an Object.prototype member (`?toString=x`) made it throw, a 500; here it is just an unknown
 * field (400) like any other.
 */
function bridgedRequest(request: Request, url: URL, body: unknown): Request {
  const query = Object.create(null) as Record<string, string[]>;
  for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
  const relativeUrl = `${url.origin}${url.pathname.slice(ENDPOINT.length)}${url.search}`;
  let headers: Headers | undefined;
  return new Proxy(request, {
    get(target, property) {
      switch (property) {
        case "url":
          return relativeUrl;
        case "body":
          return body;
        case "query":
          return query;
        case "headers":
          if (!headers) {
            headers = new Headers(target.headers);
            headers.set("content-type", "application/json");
          }
          return headers;
        default: {
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === "function"
            ? (value as (...args: unknown[]) => unknown).bind(target)
            : value;
        }
      }
    },
    has(target, property) {
      return property === "body" || property === "query" || Reflect.has(target, property);
    },
  });
}

/**
 * Serves `/api/chats/...` and `/api/admin/...`: the same tRPC procedures, routed by trpc-to-openapi, inside the
 * REST envelope. The body is read here first (size limit, content type, JSON syntax) so those failures get clear
 * 4xx answers.
 */
export async function handleRestRequest(request: Request): Promise<Response> {
  try {
    return await handle(request);
  } finally {
    drainRepliesIfRunning();
  }
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (!SERVED_METHODS.has(request.method)) return methodNotAllowedResponse(url.pathname);
  let body: unknown;
  try {
    if (BODY_METHODS.has(request.method)) body = await readJsonBody(request);
  } catch (error) {
    return restErrorResponse(toRestError(error));
  }

  const call: Call = { request, status: 200, body: "" };
  const req = bridgedRequest(request, url, body);
  callOfRequest.set(req, call);
  await new Promise<void>((resolve, reject) => {
    const res: OpenApiResponse = {
      statusCode: 200,
      setHeader: () => undefined, // only its Content-Type: the bridge writes its own headers
      end: (text) => {
        call.status = res.statusCode;
        call.body = text ?? "";
        resolve();
      },
    };
    openApiHandler(req, res).catch(reject);
  });

  const meta = call.procedurePath ? procedureMetaByPath.get(call.procedurePath) : undefined;
  if (call.error || call.status >= 400) {
    // No procedure for this method and path: a 405 with Allow if the path serves other methods, else a 404.
    if (call.error?.code === "NOT_FOUND" && !call.procedurePath) {
      if (allowedMethods(url.pathname)) return methodNotAllowedResponse(url.pathname);
    }
    return restErrorResponse(toRestError(call.error, meta?.rest?.errorData));
  }
  // The payload arrives serialized: wrapped as it is, not parsed and serialized again (same bytes as
  // JSON.stringify of the RestSuccessBody, keys in its order).
  const data = call.body || "null";
  const message: RestSuccessBody["message"] = meta?.rest?.successMessage ?? "OK";
  return new Response(`{"success":true,"message":${JSON.stringify(message)},"data":${data}}`, {
    status: meta?.rest?.successStatus ?? 200,
    headers: { "content-type": "application/json" },
  });
}
