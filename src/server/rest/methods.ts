/**
 * Which methods each REST path accepts, built once from the procedures' openapi meta (plus the plain route
 * handlers: the SSE chat and the exports), so a known path asked with another method is a 405 with `Allow` in
 * the envelope, and an unknown path stays a 404.
 */
import { procedureMetaByPath } from "../api/root";
import { AppError, type AppErrorId } from "../errors/app-error";
import { restErrorResponse, toRestError } from "./errors";

/** The REST routes that are plain route handlers, not procedures (paths as in the OpenAPI document). */
const ROUTE_HANDLERS: readonly (readonly [string, string])[] = [
  ["POST", "/chats/messages/chat/stream"],
  ["GET", "/chats/sessions/{id}/events"],
  ["GET", "/admin/exports/sessions"],
  ["GET", "/admin/exports/sessions/{id}"],
];

interface PathMethods {
  pattern: RegExp;
  methods: Set<string>;
}

let table: PathMethods[] | undefined;

function buildTable(): PathMethods[] {
  const byPath = new Map<string, Set<string>>();
  const add = (method: string, path: string) => {
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(method.toUpperCase());
    byPath.set(path, methods);
  };
  for (const meta of procedureMetaByPath.values())
    if (meta?.openapi) add(meta.openapi.method, meta.openapi.path);
  for (const [method, path] of ROUTE_HANDLERS) add(method, path);
  return [...byPath].map(([path, methods]) => ({
    // Both /path and /path/ answer; a {param} is one path segment.
    pattern: new RegExp(`^/api${path.replace(/\{\w+\}/g, "[^/]+")}/?$`),
    methods,
  }));
}

/** The methods the REST path accepts (e.g. ["GET", "POST"]), or undefined for a path that is no endpoint. */
export function allowedMethods(pathname: string): string[] | undefined {
  table ??= buildTable();
  const methods = new Set<string>();
  for (const entry of table) if (entry.pattern.test(pathname)) for (const m of entry.methods) methods.add(m);
  return methods.size > 0 ? [...methods].sort() : undefined;
}

/** 405 in the envelope with the path's `Allow` header; 404 (ROUTE_NOT_FOUND) for a path that is no endpoint. */
export function methodNotAllowedResponse(
  pathname: string,
  id: Extract<AppErrorId, "METHOD_NOT_ALLOWED" | "CHAT_STREAM_METHOD_NOT_ALLOWED"> = "METHOD_NOT_ALLOWED",
): Response {
  const allowed = allowedMethods(pathname);
  if (!allowed) return restErrorResponse(toRestError(new AppError("ROUTE_NOT_FOUND")));
  const response = restErrorResponse(toRestError(new AppError(id)));
  response.headers.set("allow", allowed.join(", "));
  return response;
}

/** A route handler for the methods a REST route does not serve (HEAD included: it is not GET without a body). */
export function refuseMethod(request: Request): Response {
  return methodNotAllowedResponse(new URL(request.url).pathname);
}
