import { normaliseOrigin, validOrigins } from "./origins";
/**
 * The HTTP security policy of every response, in one place: CSP (with a per-request script nonce for pages),
 * who may frame the widget, and which origins may call the REST bridge from a browser (CORS).
 */
export interface SecurityConfig {
  /** WIDGET_ALLOWED_ORIGINS: space-separated origins allowed to frame /widget, or "*". */
  widgetAllowedOrigins: string;
  /** CORS_ALLOWED_ORIGINS, parsed: exact origins, or ["*"]. */
  corsAllowedOrigins: string[];
  development: boolean;
}

export const BASE_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

type PageKind = "widget" | "docs" | "page";

export function pageKind(pathname: string): PageKind {
  if (pathname === "/widget" || pathname.startsWith("/widget/")) return "widget";
  if (pathname === "/api/docs" || pathname.startsWith("/api/docs/")) return "docs";
  return "page";
}

/** The Content-Security-Policy for an HTML page. `nonce` authorises Next.js's own inline scripts. */
export function contentSecurityPolicy(kind: PageKind, nonce: string, config: SecurityConfig): string {
  const frameAncestors =
    kind === "widget"
      ? config.widgetAllowedOrigins.trim() === "*"
        ? "*"
        : ["'self'", ...validOrigins(config.widgetAllowedOrigins)].join(" ")
      : "'self'";
  const scripts =
    kind === "docs"
      ? "'self'" // Swagger UI: only its bundle and init.js, both served from here.
      : `'self' 'nonce-${nonce}' 'strict-dynamic'${config.development ? " 'unsafe-eval'" : ""}`;
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    // Inline style attributes (theme colours, Swagger UI) are allowed; style injection cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
}

/** CORS response headers for a browser call from `origin`, or null when that origin is not allowed. */
export function corsHeaders(origin: string | null, config: SecurityConfig): Record<string, string> | null {
  if (!origin) return null;
  const allowAll = config.corsAllowedOrigins.includes("*");
  if (!allowAll && !config.corsAllowedOrigins.includes(origin)) return null;
  return {
    "access-control-allow-origin": allowAll ? "*" : origin,
    "access-control-allow-methods": "GET, POST, PATCH, DELETE, OPTIONS",
    "access-control-allow-headers": "content-type, authorization",
    "access-control-expose-headers":
      "retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, ratelimit-policy",
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/**
 * The security policy with the websites added at /admin/settings: they may frame the widget (joined to
 * WIDGET_ALLOWED_ORIGINS; "*" stays "*") and call the REST bridge from a browser (joined to CORS_ALLOWED_ORIGINS).
 */
export function withSettingsOrigins(config: SecurityConfig, origins: readonly string[]): SecurityConfig {
  // Only origins (src/server/protection/origins.ts) reach the policy, whatever was stored.
  const valid = origins.map((origin) => normaliseOrigin(origin)).filter((origin) => origin !== null);
  if (valid.length === 0) return config;
  const framing = config.widgetAllowedOrigins.trim();
  return {
    ...config,
    widgetAllowedOrigins:
      framing === "*" ? "*" : [...new Set([...validOrigins(framing), ...valid])].join(" "),
    corsAllowedOrigins: [...new Set([...config.corsAllowedOrigins, ...valid])],
  };
}

/**
 * CORS for the widget's public settings (GET /api/chats/widget/, read by embed.js on customers' pages): every site
 * that may frame the widget may read how it looks, besides the REST API's own CORS origins.
 */
export function widgetSettingsCors(config: SecurityConfig): SecurityConfig {
  const framing = config.widgetAllowedOrigins.trim();
  return {
    ...config,
    corsAllowedOrigins:
      framing === "*" ? ["*"] : [...new Set([...config.corsAllowedOrigins, ...validOrigins(framing)])],
  };
}

export function parseOrigins(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((origin) => origin.trim().replace(/\/$/, ""))
    .filter(Boolean);
}
