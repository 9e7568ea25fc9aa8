/**
 * Text from outside (imported pages, uploaded files) as it may be stored: C0 control characters other than tab,
 * line feed and carriage return are removed — NUL included, which PostgreSQL refuses in text (22021) while SQLite
 * would keep it, so both databases store the same text.
 */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

export function removeControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, "");
}
