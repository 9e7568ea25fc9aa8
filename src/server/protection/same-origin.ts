/**
 * Whether a request comes from this app's own pages, for changes authenticated by a cookie (cross-site request
 * forgery; SameSite=Lax cookies are the first defence, this the second). `Sec-Fetch-Site`, sent by current
 * browsers, must say same-origin (or none: typed by the user); `Origin` must be this app's origin, which is
 * `publicUrl`'s (BETTER_AUTH_URL) when configured, else the Host the request was sent to, as Better Auth decides
 * for its own endpoints. A request with neither header does not come from a browser page and passes.
 */
export function isSameOriginRequest(headers: Headers, publicUrl: string | undefined): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  const origin = headers.get("origin");
  if (origin === null) return true;
  if (publicUrl) return origin === new URL(publicUrl).origin;
  const host = headers.get("host");
  return host !== null && (origin === `http://${host}` || origin === `https://${host}`);
}
