import { NextResponse, type NextRequest } from "next/server";
import { env } from "~/env";
import { AppError } from "~/server/errors/app-error";
import {
  BASE_HEADERS,
  contentSecurityPolicy,
  corsHeaders,
  pageKind,
  parseOrigins,
  type SecurityConfig,
  widgetSettingsCors,
  withSettingsOrigins,
} from "~/server/protection/security-headers";
import { getStoredWidgetSettings } from "~/server/admin/settings/widget-settings.service";
import { getChatDeps } from "~/server/runtime/runtime";
import { toRestError } from "~/server/rest/errors";
import { LOCALE_COOKIE, LOCALE_HEADER, pageLocale } from "~/i18n/locales";

/** Applies the security policy (src/server/protection/security-headers.ts) to pages and the REST bridge. */
const security: SecurityConfig = {
  widgetAllowedOrigins: env.WIDGET_ALLOWED_ORIGINS,
  corsAllowedOrigins: parseOrigins(env.CORS_ALLOWED_ORIGINS),
  development: env.NODE_ENV === "development",
};

/**
 * The policy with the websites added at /admin/settings (cached per process, see widget-settings.service.ts). If
 * the database cannot be read, the environment's policy alone applies: stricter, never looser.
 */
async function currentSecurity(): Promise<SecurityConfig> {
  try {
    const settings = await getStoredWidgetSettings(await getChatDeps());
    return withSettingsOrigins(security, settings.allowed_origins);
  } catch (error) {
    console.error(
      "widget settings unavailable; using WIDGET_ALLOWED_ORIGINS and CORS_ALLOWED_ORIGINS only",
      error,
    );
    return security;
  }
}

/** GET /api/chats/widget/ (the widget's public settings, read by embed.js): its path, with or without the slash. */
const WIDGET_SETTINGS_PATH = /^\/api\/chats\/widget\/?$/;

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname } = request.nextUrl;

  if (pathname.startsWith("/api/chats")) {
    const origin = request.headers.get("origin");
    const policy = origin ? await currentSecurity() : security;
    const cors = corsHeaders(
      origin,
      WIDGET_SETTINGS_PATH.test(pathname) ? widgetSettingsCors(policy) : policy,
    );
    if (!decodesCleanly(pathname)) {
      // Next.js would answer a plain-text 500 for a path it cannot percent-decode: a 400 in the envelope instead.
      const { status, body } = toRestError(new AppError("MALFORMED_PATH"));
      return NextResponse.json(body, { status, headers: { ...BASE_HEADERS, ...cors } });
    }
    if (request.method === "OPTIONS") {
      // Preflight: answered here; an origin that is not allowed gets no CORS headers (the browser refuses).
      return new NextResponse(null, { status: 204, headers: { ...BASE_HEADERS, ...cors } });
    }
    const response = NextResponse.next();
    for (const [name, value] of Object.entries({ ...BASE_HEADERS, ...cors }))
      response.headers.set(name, value);
    return response;
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const kind = pageKind(pathname);
  const csp = contentSecurityPolicy(kind, nonce, kind === "widget" ? await currentSecurity() : security);
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  // The page's language, decided once here (src/i18n/locales.ts) and read by src/i18n/request.ts.
  requestHeaders.set(
    LOCALE_HEADER,
    pageLocale({
      pathname,
      queryLocale: request.nextUrl.searchParams.get("locale"),
      cookieLocale: request.cookies.get(LOCALE_COOKIE)?.value,
      acceptLanguage: request.headers.get("accept-language"),
    }),
  );
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  for (const [name, value] of Object.entries(BASE_HEADERS)) response.headers.set(name, value);
  if (pageKind(pathname) !== "widget") response.headers.set("x-frame-options", "SAMEORIGIN");
  return response;
}

function decodesCleanly(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  // Everything but build assets and files: pages, Swagger UI and the REST bridge. Not tRPC: its calls need
  // neither CSP nor CORS, and the proxy's round costs every call; its one check, a path
  // that is not valid percent-encoding, is made by `npm start`'s server (scripts/start.ts).
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|embed.js|api/openapi.json|api/health|api/ready|api/trpc).*)",
  ],
};
