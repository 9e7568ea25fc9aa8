/**
 * What a website origin is, for the widget's framing (CSP frame-ancestors) and CORS: the one rule, for the
 * websites added at /admin/settings (`allowed_origins`), WIDGET_ALLOWED_ORIGINS and the policy built from them.
 *
 * An origin is `http` or `https`, a host and an optional port — nothing else (no path, query, user, `;` or
 * spaces): a DNS name (letters, digits, hyphens; IDNs in their xn-- form), an IPv4 address or a bracketed IPv6
 * address. A wildcard is allowed only as a whole leading label followed by at least two labels:
 * `https://*.shop.example` (any subdomain of shop.example, as CSP reads it). `https://*` and `*.com` are refused.
 */
const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DNS_HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV6_HOST = /^\[[0-9a-f:.]+\]$/;
/** Stands for the wildcard label while the URL parser checks the rest (a valid label nobody uses). */
const WILDCARD_STAND_IN = "x--wildcard";

/** The origin, normalised (lower case, default port dropped), or null when `value` is not one. */
export function normaliseOrigin(value: string): string | null {
  const trimmed = value.trim().replace(/\/$/, "");
  const wildcard = /^https?:\/\/\*\./i.test(trimmed);
  const candidate = wildcard ? trimmed.replace("*.", `${WILDCARD_STAND_IN}.`) : trimmed;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  // Exactly an origin: the text is what the parser made of it (nothing dropped, escaped or added but the
  // scheme's default port).
  const written = candidate.replace(url.protocol === "https:" ? /:443$/ : /:80$/, "");
  if (url.origin !== written.toLowerCase() && url.origin !== written) return null;
  const host = url.hostname;
  if (!DNS_HOST.test(host) && !IPV6_HOST.test(host)) return null;
  if (host.includes(WILDCARD_STAND_IN) && (!wildcard || host.split(".").length < 3)) return null;
  return wildcard ? url.origin.replace(`${WILDCARD_STAND_IN}.`, "*.") : url.origin;
}

/** The valid origins of a space- or comma-separated list, normalised (the others are left out). */
export function validOrigins(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((origin) => normaliseOrigin(origin))
    .filter((origin): origin is string => origin !== null);
}

/** The entries of a list that are not origins (for the start-up check of WIDGET_ALLOWED_ORIGINS). */
export function invalidOrigins(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .filter((origin) => normaliseOrigin(origin) === null);
}
