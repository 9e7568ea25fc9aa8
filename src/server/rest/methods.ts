/**
 * Which methods each REST path accepts, built once from the procedures' openapi meta and the table of REST-only
 * routes (routes.ts), so a known path asked with another method is a 405 with `Allow` in the envelope, and an
 * unknown path stays a 404.
 */
import { procedureMetaByPath } from "../api/root";
import { AppError, type AppErrorId } from "../errors/app-error";
import { restErrorResponse, toRestError } from "./errors";
import { REST_ROUTES } from "./routes";

interface PathMethods {
  pattern: RegExp;
  /**
   * A REST-only route (routes.ts): it has its own route file, which Next.js serves before the bridge's catch-all,
   * so where it matches, only its methods are served (GET /api/admin/knowledge/upload/ is not the bridge's
   * /admin/knowledge/{id}). Paths of the bridge itself all answer (trpc-to-openapi tries every pattern).
   */
  ownFile: boolean;
  methods: Set<string>;
}

let table: PathMethods[] | undefined;

function buildTable(): PathMethods[] {
  const byPath = new Map<string, Set<string>>();
  const ownFiles = new Set(REST_ROUTES.map((route) => route.path));
  const add = (method: string, path: string) => {
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(method.toUpperCase());
    byPath.set(path, methods);
  };
  for (const meta of procedureMetaByPath.values())
    if (meta?.openapi) add(meta.openapi.method, meta.openapi.path);
  for (const route of REST_ROUTES) add(route.method, route.path);
  return [...byPath].map(([path, methods]) => ({
    // Both /path and /path/ answer; a {param} is one path segment.
    pattern: new RegExp(`^/api${path.replace(/\{\w+\}/g, "[^/]+")}/?$`),
    ownFile: ownFiles.has(path),
    methods,
  }));
}

/** The methods the REST path accepts (e.g. ["GET", "POST"]), or undefined for a path that is no endpoint. */
export function allowedMethods(pathname: string): string[] | undefined {
  table ??= buildTable();
  const matches = table.filter((entry) => entry.pattern.test(pathname));
  const own = matches.filter((entry) => entry.ownFile);
  const methods = new Set<string>();
  for (const entry of own.length > 0 ? own : matches) for (const m of entry.methods) methods.add(m);
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
