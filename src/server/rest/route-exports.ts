import { allowedMethods, methodNotAllowedResponse } from "./methods";
import { isAdminAccess, serveRoute, type RestRoute } from "./route";
import { restPreflight, withRestHeaders } from "./rest-headers";
import { restRoutesAt } from "./routes";

type RouteContext = { params: Promise<Record<string, string>> };
type RouteHandler = (request: Request, context: RouteContext) => Promise<Response> | Response;

/** Every method a route file answers: the served ones run their route, the others are a 405 with Allow. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

export type RouteExports = Record<(typeof METHODS)[number] | "OPTIONS", RouteHandler>;

/**
 * What the route file of a REST-only path exports, generated from its declarations (routes.ts): each served
 * method, a 405 in the envelope with `Allow` for every other one (HEAD too: it is not GET without a body), and
 * OPTIONS. Visitor and public routes carry the REST headers (CORS for allowed origins) and answer the CORS
 * preflight; admin routes answer OPTIONS with their `Allow` only (no CORS: their callers are servers and this
 * app's own pages).
 */
export function restRouteExports(path: string): RouteExports {
  const routes = restRoutesAt(path);
  if (routes.length === 0) throw new Error(`REST route table: no route declared for ${path}`);
  const cors = routes.some((route) => !isAdminAccess(route.access));
  const wrap = (handler: RouteHandler): RouteHandler => (cors ? withRestHeaders(handler) : handler);
  const refusal = routes[0]!.methodNotAllowed ?? "METHOD_NOT_ALLOWED";
  const refuse = wrap((request) =>
    Promise.resolve(methodNotAllowedResponse(new URL(request.url).pathname, refusal)),
  );
  const serve = (route: RestRoute) =>
    wrap(async (request, context) => serveRoute(route, request, await context.params));
  const handlers = Object.fromEntries(
    METHODS.map((method) => {
      const route = routes.find((candidate) => candidate.method === method);
      return [method, route ? serve(route) : refuse];
    }),
  ) as Record<(typeof METHODS)[number], RouteHandler>;
  const OPTIONS: RouteHandler = cors
    ? (request) => restPreflight(request)
    : (request) =>
        Promise.resolve(
          new Response(null, {
            status: 204,
            headers: {
              allow: [...(allowedMethods(new URL(request.url).pathname) ?? []), "OPTIONS"].join(", "),
            },
          }),
        );
  return { ...handlers, OPTIONS };
}
