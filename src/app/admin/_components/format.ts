/**
 * Times on the admin pages: in UTC (the same for every admin whatever their zone), to the minute (or second), in
 * the page's language when `locale` is given (`getLocale()` / `useLocale()`), e.g. "26 nov. 2026, 04:20 UTC".
 * Without a locale: "2026-11-26 04:20 UTC".
 */
export function formatTime(iso: string, precision: "minute" | "second" = "minute", locale?: string): string {
  if (!locale) return `${iso.slice(0, 10)} ${iso.slice(11, precision === "second" ? 19 : 16)} UTC`;
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    ...(precision === "second" && { second: "2-digit" }),
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(new Date(iso));
}

/** A day ("2026-11-26", UTC) in the page's language, short: "Nov 26", "26. Nov.", "26 نوفمبر". */
export function formatDay(date: string, locale: string, style: "short" | "medium" = "medium"): string {
  return new Intl.DateTimeFormat(locale, {
    ...(style === "medium" && { year: "numeric" }),
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${date}T00:00:00Z`));
}

/** A one-line preview of visitor metadata for tables. */
export function metadataPreview(metadata: Record<string, unknown>, max = 120): string {
  const text = Object.entries(metadata)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A query string from the non-empty values. */
export function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}
