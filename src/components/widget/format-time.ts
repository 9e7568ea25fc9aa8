/** Times and dates in the widget's language (the page's locale) and the visitor's own time zone. */
const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function dateFormat(locale: string, name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}:${name}`;
  let format = cache.get(key);
  if (!format) cache.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format as Intl.DateTimeFormat;
}

function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  const key = `${locale}:relative`;
  let format = cache.get(key);
  if (!format) cache.set(key, (format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" })));
  return format as Intl.RelativeTimeFormat;
}

function sameDay(a: Date, b: Date): boolean {
  return a.toDateString() === b.toDateString();
}

/** "14:05" today, "Mar 3, 14:05" before (in `locale`'s own words and order). */
export function messageTime(iso: string, locale: string, now = new Date()): string {
  const date = new Date(iso);
  return sameDay(date, now)
    ? dateFormat(locale, "time", { hour: "2-digit", minute: "2-digit" }).format(date)
    : dateFormat(locale, "dayTime", {
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
      }).format(date);
}

/** For a title attribute / screen readers. */
export function fullTime(iso: string, locale: string): string {
  return dateFormat(locale, "full", { dateStyle: "full", timeStyle: "short" }).format(new Date(iso));
}

/** `justNow` (the catalogue's "just now"), "5 minutes ago", "yesterday", "Mar 3". */
export function lastActivity(iso: string, locale: string, justNow: string, now = new Date()): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const relative = relativeFormat(locale);
  if (seconds > -60) return justNow;
  if (seconds > -3600) return relative.format(Math.round(seconds / 60), "minute");
  if (seconds > -86400) return relative.format(Math.round(seconds / 3600), "hour");
  if (seconds > -7 * 86400) return relative.format(Math.round(seconds / 86400), "day");
  return dateFormat(locale, "day", { month: "short", day: "numeric" }).format(new Date(iso));
}
