import { NextResponse, type NextRequest } from "next/server";
import { BASE_HEADERS, contentSecurityPolicy, pageKind } from "~/server/protection/security-headers";
import { currentSecurity, ENV_SECURITY, registeredOriginsReader } from "~/server/runtime/security-policy";
import { errorMessage } from "~/server/errors/app-error";
import { isMalformedPath } from "~/server/protection/malformed-path";
import { LOCALE_COOKIE, LOCALE_HEADER, pageLocale } from "~/i18n/locales";

/**
 * The stored websites' reader, as instrumentation (at start), the REST routes or the widget page registered it on
 * globalThis; imported here only if none has yet (`next dev` before those load). Not a static import: it would put
 * the runtime, the domain it builds and a Prisma client into the proxy's chunk group, one more copy held in memory.
 */
async function storedOriginsReader() {
  return (
    registeredOriginsReader() ?? (await import("~/server/admin/settings/stored-origins")).readStoredOrigins
  );
}

/** Applies the security policy (src/server/protection/security-headers.ts) to pages and Swagger UI. */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname } = request.nextUrl;
  // Under a bare `next start` too (npm start's server refuses it before Next.js): a 400, not Next.js's bare 500.
  if (isMalformedPath(pathname))
    return new NextResponse(errorMessage("MALFORMED_PATH"), {
      status: 400,
      headers: { ...BASE_HEADERS, "content-type": "text/plain; charset=utf-8" },
    });

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const kind = pageKind(pathname);
  const csp = contentSecurityPolicy(
    kind,
    nonce,
    kind === "widget" ? await currentSecurity(await storedOriginsReader()) : ENV_SECURITY,
  );
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

export const config = {
  // Pages and Swagger UI: their CSP nonce and language. Not the APIs: tRPC and the REST bridge need neither, and a
  // proxy round costs a call as much as its own work. The REST bridge sets its headers and CORS in its routes
  // (src/server/rest/rest-headers.ts); a path that is not valid percent-encoding, which Next.js would answer
  // with a bare 500, is refused by `npm start`'s server for every path (scripts/start.ts), and here for pages.
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|embed.js|api/openapi.json|api/health|api/ready|api/trpc|api/chats).*)",
  ],
};
