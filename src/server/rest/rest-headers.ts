import { readStoredOrigins } from "../admin/settings/stored-origins";
import { BASE_HEADERS, corsHeaders, widgetSettingsCors } from "../protection/security-headers";
import { currentSecurity } from "../runtime/security-policy";

/** GET /api/chats/widget/ (the widget's public settings, read by embed.js): its path, with or without the slash. */
const WIDGET_SETTINGS_PATH = /^\/api\/chats\/widget\/?$/;

type RouteHandler<Context> = (request: Request, context: Context) => Promise<Response> | Response;

/** The headers every REST answer carries: nosniff and friends, and CORS for an allowed browser origin. */
async function restHeaders(request: Request): Promise<Record<string, string>> {
  const origin = request.headers.get("origin");
  if (!origin) return BASE_HEADERS;
  const policy = await currentSecurity(readStoredOrigins);
  const { pathname } = new URL(request.url);
  const cors = corsHeaders(origin, WIDGET_SETTINGS_PATH.test(pathname) ? widgetSettingsCors(policy) : policy);
  return { ...BASE_HEADERS, ...cors };
}

/**
 * Wraps a REST route's handler (/api/chats/…) with the bridge's response headers. Done here, in the route, rather
 * than in src/proxy.ts: a proxy round costs every call as much as the call's own work.
 */
export function withRestHeaders<Context>(handler: RouteHandler<Context>): RouteHandler<Context> {
  return async (request, context) => {
    const response = await handler(request, context);
    const headers = await restHeaders(request);
    try {
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
      return response;
    } catch {
      // A response with immutable headers: the same body and status under a copy of its headers.
      const copy = new Headers(response.headers);
      for (const [name, value] of Object.entries(headers)) copy.set(name, value);
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers: copy,
      });
    }
  };
}

/** A CORS preflight: answered with the headers an allowed origin gets (none for another: the browser refuses). */
export async function restPreflight(request: Request): Promise<Response> {
  return new Response(null, { status: 204, headers: await restHeaders(request) });
}
