import type MiniSearch from "minisearch";

/**
 * A compact form of a built MiniSearch index's postings (issue 22, "Memory": bench/knowledge-memory.ts). MiniSearch
 * keeps, for each term and field, a `Map` from document (short id) to the term's frequency in it: ~25–30 bytes a
 * posting, and the 1,000-article index has millions of postings. Once the index is built (it is never changed after:
 * a rebuild makes a new one), each of those maps is replaced by a read-only view of two shared typed arrays
 * (document ids ascending, frequencies): 6 bytes a posting. MiniSearch's search reads a posting list only through
 * `size`, `keys()` and `get()` (termResults in minisearch 7.2.0, pinned in package.json), which the view provides
 * with the same order and values, so every search scores exactly as before (tests/knowledge-packed-index.test.ts
 * compares rankings with and without packing). If the index does not have the shape this expects (another
 * MiniSearch version), nothing is packed and the index keeps its maps (packPostings returns false).
 */

/** The postings of one term in one field: document short ids ascending, with the term's frequency in each. */
export class PackedTermFreqs {
  constructor(
    private readonly ids: Uint32Array,
    private readonly frequencies: Uint16Array,
    private readonly start: number,
    readonly size: number,
  ) {}

  /** The position keys() last gave: MiniSearch asks get() for the id it was just given (no search then). */
  private cursor = -1;

  keys(): IterableIterator<number> {
    let at = this.start;
    const end = this.start + this.size;
    const iterator: IterableIterator<number> = {
      next: (): IteratorResult<number> => {
        if (at >= end) return { done: true, value: undefined };
        this.cursor = at;
        return { done: false, value: this.ids[at++]! };
      },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  get(id: number): number | undefined {
    if (this.cursor >= 0 && this.ids[this.cursor] === id) return this.frequencies[this.cursor];
    let low = this.start;
    let high = this.start + this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.ids[middle]!;
      if (found === id) return this.frequencies[middle];
      if (found < id) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }
}

type Postings = Map<number, number> | PackedTermFreqs;

interface IndexInternals {
  _index?: { forEach(callback: (term: string, data: Map<number, Postings>) => void): void };
  _fieldIds?: Record<string, number>;
  /** The next document's short id: short ids are 0 … _nextId - 1. */
  _nextId?: number;
}

/** The term → field → postings entries of a MiniSearch index, or undefined when it is not shaped as expected. */
function termEntries<T>(index: MiniSearch<T>): [string, Map<number, Postings>][] | undefined {
  const internals = index as unknown as IndexInternals;
  if (typeof internals._index?.forEach !== "function") return undefined;
  const entries: [string, Map<number, Postings>][] = [];
  let shaped = true;
  internals._index.forEach((term, data) => {
    if (!(data instanceof Map)) shaped = false;
    else entries.push([term, data]);
  });
  return shaped ? entries : undefined;
}

/**
 * Packs the postings of a built index (see above). A generator: it yields after each term, so a caller can spread
 * the work over turns of the event loop (KnowledgeBase.build) or run it through at once. Returns whether it packed.
 */
export function* packPostings<T>(index: MiniSearch<T>): Generator<void, boolean> {
  const entries = termEntries(index);
  if (!entries) return false;
  let total = 0;
  for (const [, data] of entries)
    for (const postings of data.values()) {
      if (!(postings instanceof Map)) return false;
      total += postings.size;
    }
  const ids = new Uint32Array(total);
  const frequencies = new Uint16Array(total);
  let at = 0;
  for (const [, data] of entries) {
    for (const [field, postings] of data) {
      const map = postings as Map<number, number>;
      const start = at;
      let previous = -1;
      let ascending = true;
      for (const [id, frequency] of map) {
        if (id <= previous) ascending = false;
        previous = id;
        ids[at] = id;
        frequencies[at] = Math.min(frequency, 0xffff);
        at += 1;
      }
      // Never the case for an index built once in order; kept as a map (binary search needs ascending ids).
      if (!ascending) continue;
      data.set(field, new PackedTermFreqs(ids, frequencies, start, map.size));
    }
    yield;
  }
  return true;
}

/**
 * In how many documents each term occurs in any of `fields`, read from the index's postings (the text is not
 * tokenized a second time). A generator yielding after each term, like packPostings; returns the counts.
 */
export function* documentFrequencies<T>(
  index: MiniSearch<T>,
  fields: readonly string[],
): Generator<void, Map<string, number>> {
  const counts = new Map<string, number>();
  const internals = index as unknown as IndexInternals;
  const entries = termEntries(index);
  if (!entries || !internals._fieldIds)
    throw new Error("documentFrequencies: unexpected MiniSearch index shape");
  const fieldIds = fields.map((field) => internals._fieldIds![field]);
  // seen[document] = the number of the last term counted for it: a document in several fields counts once.
  const seen = new Int32Array(internals._nextId ?? 0).fill(-1);
  let termNumber = 0;
  for (const [term, data] of entries) {
    let count = 0;
    for (const fieldId of fieldIds) {
      const postings = fieldId === undefined ? undefined : data.get(fieldId);
      if (!postings) continue;
      for (const id of postings.keys()) {
        if (seen[id] === termNumber) continue;
        seen[id] = termNumber;
        count += 1;
      }
    }
    if (count > 0) counts.set(term, count);
    termNumber += 1;
    yield;
  }
  return counts;
}
