/** Reading the docs' markdown tables in tests: the rows of a table, the names and field lists in its cells. */
import { readFileSync } from "node:fs";

export const readDoc = (file: string) => readFileSync(file, "utf8");

/** The rows (cells, trimmed) of the first markdown table whose header is `header`. */
export function markdownTable(markdown: string, header: readonly string[]): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.trimStart().startsWith("|") && sameCells(cells(line), header));
  if (start < 0) throw new Error(`no table with the header | ${header.join(" | ")} |`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trimStart().startsWith("|")) break;
    const row = cells(line);
    if (row.every((cell) => /^:?-+:?$/.test(cell))) continue;
    rows.push(row);
  }
  return rows;
}

export function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

function sameCells(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((cell, index) => cell === b[index]);
}

/** The single `code` name of a cell: "`message.created`" → "message.created". */
export function codeName(cell: string): string | undefined {
  return /^`([^`]+)`$/.exec(cell)?.[1];
}

/** The field names a cell lists as `{a, b, c}` (the first such list), or undefined. */
export function listedFields(cell: string): string[] | undefined {
  const list = /\{([^}]*)\}/.exec(cell)?.[1];
  return list
    ?.split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** Without the table row that names `code` (to prove a check notices). */
export function withoutRow(markdown: string, code: string): string {
  const lines = markdown.split("\n");
  const index = lines.findIndex((line) => line.trimStart().startsWith(`| \`${code}\``));
  if (index < 0) throw new Error(`no table row for ${code}`);
  return lines.filter((_, i) => i !== index).join("\n");
}

/** With the table row that names `code` changed (to prove a check notices). */
export function withRow(markdown: string, code: string, change: (cells: string[]) => string[]): string {
  const lines = markdown.split("\n");
  const index = lines.findIndex((line) => line.trimStart().startsWith(`| \`${code}\``));
  if (index < 0) throw new Error(`no table row for ${code}`);
  lines[index] = `| ${change(cells(lines[index]!)).join(" | ")} |`;
  return lines.join("\n");
}
