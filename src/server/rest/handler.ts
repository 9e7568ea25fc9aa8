import type { TRPCError } from "@trpc/server";
import { createOpenApiFetchHandler } from "trpc-to-openapi";
import { appRouter, procedureMetaByPath } from "../api/root";
import { createTRPCContext } from "../api/trpc";
import { drainRepliesIfRunning } from "../runtime/drain";
import { restErrorResponse, toRestError } from "./errors";
import { allowedMethods, methodNotAllowedResponse } from "./methods";
import { readJsonBody } from "./request-body";
import { logError, requestIdOf } from "../observability/logger";
import { routeOf } from "../observability/metrics";

/** The REST bridge's success body: the payload is always wrapped in `data`, never merged into the top level. */
interface RestSuccessBody<T = unknown> {
  success: true;
  message: string;
  data: T;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
/** What the procedures use; anything else (HEAD, TRACE …) is a 405 with Allow before the bridge sees it. */
const SERVED_METHODS = new Set(["GET", "DELETE", ...BODY_METHODS]);

/**
 * trpc-to-openapi collects query parameters into a plain object (`parsed[key] ??= []`, then `.push`), so a
 * parameter named like an Object.prototype member (`?toString=x`, `?constructor=x`) made it throw, a 500. It
 * reads `req.query` when set: hand it the parameters already collected in a prototype-free object, so such a key
 * is just an unknown field (400) like any other.
 */
function withCollectedQuery(request: Request): Request {
  const query = Object.create(null) as Record<string, string[]>;
  for (const [key, value] of new URL(request.url).searchParams) (query[key] ??= []).push(value);
  return Object.assign(request, { query });
}

/**
 * Serves `/api/chats/...`: the same tRPC procedures, routed by trpc-to-openapi, inside the REST envelope.
 * The body is read here first (size limit, content type, JSON syntax) so those failures get clear 4xx answers.
 */
export async function handleRestRequest(request: Request): Promise<Response> {
  try {
    return await handle(request);
  } finally {
    drainRepliesIfRunning();
  }
}

async function handle(request: Request): Promise<Response> {
  const call: { procedurePath?: string; error?: TRPCError } = {};
  let forwarded = request;
  if (!SERVED_METHODS.has(request.method)) return methodNotAllowedResponse(new URL(request.url).pathname);
  try {
    if (BODY_METHODS.has(request.method)) {
      const body = await readJsonBody(request);
      forwarded = new Request(request.url, {
        method: request.method,
        headers: { ...Object.fromEntries(request.headers), "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    }
  } catch (error) {
    return restErrorResponse(toRestError(error));
  }

  const response = await createOpenApiFetchHandler({
    endpoint: "/api",
    req: withCollectedQuery(forwarded),
    router: appRouter,
    createContext: () => createTRPCContext({ headers: request.headers }),
    responseMeta: ({ paths, errors }) => {
      call.procedurePath = paths?.[0];
      call.error = errors[0];
      return {};
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        logError("REST request failed", error.cause ?? error, {
          requestId: requestIdOf(request.headers),
          procedure: path ?? routeOf(new URL(request.url).pathname),
        });
    },
  });

  const meta = call.procedurePath ? procedureMetaByPath.get(call.procedurePath) : undefined;
  if (call.error || !response.ok) {
    // No procedure for this method and path: a 405 with Allow if the path serves other methods, else a 404.
    if (call.error?.code === "NOT_FOUND" && !call.procedurePath) {
      const pathname = new URL(request.url).pathname;
      if (allowedMethods(pathname)) return methodNotAllowedResponse(pathname);
    }
    return restErrorResponse(toRestError(call.error, meta?.rest?.errorData));
  }
  // The payload arrives serialized: wrapped as it is, not parsed and serialized again (same bytes as
  // JSON.stringify of the RestSuccessBody, keys in its order).
  const data = (await response.text()) || "null";
  const message: RestSuccessBody["message"] = meta?.rest?.successMessage ?? "OK";
  const body = `{"success":true,"message":${JSON.stringify(message)},"data":${data}}`;
  return new Response(body, {
    status: meta?.rest?.successStatus ?? 200,
    headers: { "content-type": "application/json" },
  });
}
