/** Times on the admin pages: UTC, to the minute (or second), the same for every admin whatever their zone. */
export function formatTime(iso: string, precision: "minute" | "second" = "minute"): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, precision === "second" ? 19 : 16)} UTC`;
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
