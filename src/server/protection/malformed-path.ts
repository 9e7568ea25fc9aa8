/**
 * A URL path that is not valid percent-encoding (`/admin/%ff`): Next.js answers it with a bare 500 before any
 * route runs. Every path is refused with a 400 MALFORMED_PATH instead — by `npm start`'s server for every path
 * (scripts/start.ts: tRPC's error shape under /api/trpc, the REST envelope under /api, plain text for pages), and
 * by src/proxy.ts for the pages under a bare `next start`. The one test of what "malformed" means.
 */
export function isMalformedPath(url: string | undefined): boolean {
  try {
    decodeURIComponent((url ?? "").split("?")[0] ?? "");
    return false;
  } catch {
    return true;
  }
}

/** Which answer a malformed path gets: tRPC's error shape, the REST envelope, or plain text (pages). */
export function malformedPathAnswer(url: string): "trpc" | "rest" | "page" {
  if (url.startsWith("/api/trpc")) return "trpc";
  if (url.startsWith("/api/")) return "rest";
  return "page";
}
