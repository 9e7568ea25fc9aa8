import { readFileSync } from "node:fs";
import path from "node:path";

/** The launcher's words per language, as public/embed.js holds them (its `var TEXT = {…};` table). */
export type EmbedText = Record<
  string,
  { chat: string; open: string; close: string; new: Partial<Record<Intl.LDMLPluralRule, string>> }
>;

export function embedText(): EmbedText {
  const source = readFileSync(path.join("public", "embed.js"), "utf8");
  const table = /var TEXT = (\{[\s\S]*?\n\s*\});/.exec(source)?.[1];
  if (!table) throw new Error("public/embed.js has no `var TEXT = {…};` table");
  // The table is a plain object literal of strings (no code): evaluated as such.
  return new Function(`return (${table});`)() as EmbedText;
}
