/**
 * The words of a search and the highlighted snippet of a matching message, shared by the server (which builds
 * the snippet) and the admin page (which renders it: plain text and offsets, never HTML).
 */

/** At most this many words of a search are used (the rest are ignored). */
export const SEARCH_MAX_WORDS = 8;
/** A search's longest text. */
export const SEARCH_MAX_CHARS = 200;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Case- and accent-insensitive form of a word (offsets are never taken from it). */
export function foldWord(word: string): string {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * The words of a search: runs of letters, marks and digits, lower-cased, at most SEARCH_MAX_WORDS, each once.
 * Quotes, operators and punctuation are not syntax: they only separate words.
 */
export function searchWords(query: string): string[] {
  const words = (query.normalize("NFC").match(WORD) ?? []).map((word) => word.toLowerCase());
  return [...new Set(words)].slice(0, SEARCH_MAX_WORDS);
}

export interface Highlight {
  /** UTF-16 offsets into the snippet's text, end exclusive. */
  start: number;
  end: number;
}

export interface Snippet {
  text: string;
  highlights: Highlight[];
}

/**
 * A window of `content` around its first word that starts with one of `words` (case- and accent-insensitive),
 * with every such word in the window marked by offsets. `…` marks text cut at either end.
 */
export function snippetOf(content: string, words: string[], radius = 60): Snippet {
  const folded = words.map(foldWord);
  const hits: Highlight[] = [];
  for (const match of content.matchAll(WORD)) {
    const token = foldWord(match[0]);
    if (folded.some((word) => token.startsWith(word)))
      hits.push({ start: match.index, end: match.index + match[0].length });
  }
  const first = hits[0] ?? { start: 0, end: 0 };
  let from = Math.max(0, first.start - radius);
  let to = Math.min(content.length, first.end + radius * 2);
  // Cut at white space, not inside a word.
  if (from > 0) {
    const space = content.indexOf(" ", from);
    if (space !== -1 && space < first.start) from = space + 1;
  }
  if (to < content.length) {
    const space = content.lastIndexOf(" ", to);
    if (space > first.end) to = space;
  }
  const prefix = from > 0 ? "…" : "";
  const text = `${prefix}${content.slice(from, to)}${to < content.length ? "…" : ""}`;
  const shift = prefix.length - from;
  return {
    text,
    highlights: hits
      .filter((hit) => hit.start >= from && hit.end <= to)
      .map((hit) => ({ start: hit.start + shift, end: hit.end + shift })),
  };
}

/** The snippet as consecutive pieces, each marked or not, for rendering as text (no HTML). */
export function snippetPieces(snippet: Snippet): { text: string; marked: boolean }[] {
  const pieces: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const { start, end } of snippet.highlights) {
    if (start < at || end > snippet.text.length || end <= start) continue;
    if (start > at) pieces.push({ text: snippet.text.slice(at, start), marked: false });
    pieces.push({ text: snippet.text.slice(start, end), marked: true });
    at = end;
  }
  if (at < snippet.text.length) pieces.push({ text: snippet.text.slice(at), marked: false });
  return pieces;
}
