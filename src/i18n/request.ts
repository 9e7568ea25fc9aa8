import { headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { DEFAULT_LOCALE, isLocale, LOCALE_HEADER, type Locale } from "./locales";

/**
 * next-intl's per-request configuration: the language the proxy chose for this page (src/proxy.ts,
 * `pageLocale`) and that language's catalogue, `messages/<locale>.json`, loaded alone. Pages hand their client
 * components only their part's namespaces (src/i18n/namespaces.ts).
 */
export default getRequestConfig(async ({ requestLocale }) => {
  const fromProxy = (await headers()).get(LOCALE_HEADER);
  const requested = await requestLocale;
  const locale: Locale = isLocale(fromProxy) ? fromProxy : isLocale(requested) ? requested : DEFAULT_LOCALE;
  return {
    locale,
    messages: (await import(`../../messages/${locale}.json`)).default,
    // Times are shown in the reader's own zone by client components; the server formats in UTC.
    timeZone: "UTC",
  };
});
