/**
 * The languages the widget and the admin pages speak, and how one is chosen for a request. Pure: used by the
 * proxy (which decides), by src/i18n/request.ts (which loads the catalogue) and by tests.
 */
export const LOCALES = ["en", "de", "fr", "es", "ar"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** The request header through which the proxy hands its choice to the page (a client-sent one is overwritten). */
export const LOCALE_HEADER = "x-visitor-chat-locale";
/** The cookie an admin's language choice is kept in (the admin pages' language menu). */
export const LOCALE_COOKIE = "visitor_chat_locale";

const RTL: ReadonlySet<Locale> = new Set<Locale>(["ar"]);

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function directionOf(locale: Locale): "ltr" | "rtl" {
  return RTL.has(locale) ? "rtl" : "ltr";
}

/** "de-CH" → "de", "pt-BR" → null: the language part of a BCP 47 tag, if we speak it. */
export function supportedLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const language = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(language) ? language : null;
}

/**
 * The best of our locales for an Accept-Language header (RFC 9110 §12.5.4): highest q first, ties in the order
 * given; `*` and unknown languages are skipped; q=0 means "not this one".
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number.parseFloat(q.slice(2)) : 1;
      return { tag: tag.trim(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.tag && entry.tag !== "*" && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const entry of ranked) {
    const locale = supportedLocale(entry.tag);
    if (locale) return locale;
  }
  return null;
}

/**
 * A page's language. The widget: `?locale=` (embed.js passes the script's `data-locale`), else the browser's
 * languages. The admin pages: the admin's choice (cookie), else the browser's. Other pages (the demo page, help
 * articles) are written in English.
 */
export function pageLocale(input: {
  pathname: string;
  queryLocale?: string | null;
  cookieLocale?: string | null;
  acceptLanguage?: string | null;
}): Locale {
  const { pathname } = input;
  if (pathname === "/widget" || pathname.startsWith("/widget/")) {
    return (
      supportedLocale(input.queryLocale) ?? localeFromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE
    );
  }
  if (pathname === "/admin" || pathname.startsWith("/admin/")) {
    return (
      supportedLocale(input.cookieLocale) ?? localeFromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE
    );
  }
  return DEFAULT_LOCALE;
}
