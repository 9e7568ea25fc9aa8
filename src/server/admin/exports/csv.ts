/**
 * CSV as RFC 4180 describes it, for spreadsheets: CRLF line ends; a field containing a comma, quote, CR or LF is
 * quoted, with quotes doubled. Files start with a UTF-8 byte-order mark so Excel reads non-ASCII text correctly.
 *
 * Formula injection: a spreadsheet runs a cell that starts with = + - @ (or tab / CR) as a formula, so a visitor
 * could plant `=HYPERLINK(…)` in a message. Such cells get a leading single quote, which spreadsheets show as text.
 */
export const CSV_BOM = "\uFEFF";
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
