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
} from "~/server/protection/security-headers";
import { toRestError } from "~/server/rest/errors";

/** Applies the security policy (src/server/protection/security-headers.ts) to pages and the REST bridge. */
const security: SecurityConfig = {
  widgetAllowedOrigins: env.WIDGET_ALLOWED_ORIGINS,
  corsAllowedOrigins: parseOrigins(env.CORS_ALLOWED_ORIGINS),
  development: env.NODE_ENV === "development",
};

export function proxy(request: NextRequest): NextResponse {
  const { pathname } = request.nextUrl;

  if (pathname.startsWith("/api/chats")) {
    const cors = corsHeaders(request.headers.get("origin"), security);
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
  const csp = contentSecurityPolicy(pageKind(pathname), nonce, security);
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
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
  // Everything but build assets and files: pages, Swagger UI and the REST bridge (tRPC is same-origin only).
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|embed.js|api/trpc|api/openapi.json|api/health|api/ready).*)",
  ],
};
