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
  _index?: {
    forEach(callback: (term: string, data: Map<number, Postings>) => void): void;
    fetch?(term: string, initial: () => Map<number, Postings>): Map<number, Postings>;
  };
  addTerm?: (fieldId: number, documentId: number, term: string) => void;
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

/** The first capacity of a PostingsCollector's arrays (one entry per term, field and document; doubled as needed). */
const INITIAL_POSTINGS = 1 << 16;

/**
 * Builds the packed postings while the index is built, instead of packing MiniSearch's maps after it
 * (packPostings): MiniSearch's `addTerm` is replaced on the index being built, so that for each (term, field,
 * document) it counts into a small map of the document being added, flushed into typed arrays when the next
 * document comes. The index's term tree still gets each term at its first occurrence, in the same order as
 * MiniSearch's own `addTerm` (the tree, and so prefix matches, iterate in that order), with an empty field map that
 * pack() fills with PackedTermFreqs views. The ~1.3 M postings of 1,000 articles are never `Map` entries on the
 * heap: no pile of old-generation garbage for V8's major collections to mark and sweep while the previous index
 * is alive (they held the event loop for 185–284 ms during a rebuild; bench/RESULTS.md). MiniSearch's `add` does
 * the rest (document ids, field lengths and their averages), so scores are the same as packPostings' views of the
 * same index (tests/knowledge-packed-index.test.ts).
 */
export class PostingsCollector {
  private readonly termIds = new Map<string, number>();
  /** Each term's field → postings map in the index's tree, by term number (first occurrence order). */
  private readonly termData: Map<number, Postings>[] = [];
  /** Postings gathered: key = term number × fieldSlots + field id, the document, the frequency. */
  private keys = new Uint32Array(INITIAL_POSTINGS);
  private documents = new Uint32Array(INITIAL_POSTINGS);
  private frequencies = new Uint16Array(INITIAL_POSTINGS);
  private length = 0;
  /** The document being added and its (term, field) counts. */
  private document = -1;
  private readonly counts = new Map<number, number>();
  private readonly fieldSlots: number;

  private constructor(
    private readonly internals: IndexInternals,
    private readonly tree: NonNullable<IndexInternals["_index"]>,
    fieldCount: number,
  ) {
    this.fieldSlots = Math.max(1, fieldCount);
  }

  /**
   * Installs a collector on an index with no document yet; undefined (nothing changed) if the index is not shaped
   * as expected (another MiniSearch version: the caller then builds it as usual and packs after).
   */
  static install<T>(index: MiniSearch<T>): PostingsCollector | undefined {
    const internals = index as unknown as IndexInternals;
    const tree = internals._index;
    if (
      typeof internals.addTerm !== "function" ||
      typeof tree?.fetch !== "function" ||
      !internals._fieldIds ||
      internals._nextId !== 0
    )
      return undefined;
    const fieldIds = Object.values(internals._fieldIds);
    const collector = new PostingsCollector(internals, tree, Math.max(...fieldIds) + 1);
    internals.addTerm = (fieldId, documentId, term) => collector.add(fieldId, documentId, term);
    return collector;
  }

  private add(fieldId: number, documentId: number, term: string): void {
    if (documentId !== this.document) {
      this.flush();
      this.document = documentId;
    }
    let termId = this.termIds.get(term);
    if (termId === undefined) {
      termId = this.termData.length;
      this.termIds.set(term, termId);
      this.termData.push(this.tree.fetch!(term, () => new Map()));
    }
    const key = termId * this.fieldSlots + fieldId;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Moves the counts of the document being added into the arrays. */
  private flush(): void {
    if (this.counts.size === 0) return;
    if (this.length + this.counts.size > this.keys.length) {
      const size = Math.max(this.keys.length * 2, this.length + this.counts.size);
      const grow = <A extends Uint32Array | Uint16Array>(array: A, into: A): A => {
        into.set(array.subarray(0, this.length));
        return into;
      };
      this.keys = grow(this.keys, new Uint32Array(size));
      this.documents = grow(this.documents, new Uint32Array(size));
      this.frequencies = grow(this.frequencies, new Uint16Array(size));
    }
    for (const [key, count] of this.counts) {
      this.keys[this.length] = key;
      this.documents[this.length] = this.document;
      this.frequencies[this.length] = Math.min(count, 0xffff);
      this.length += 1;
    }
    this.counts.clear();
  }

  /**
   * After the last document: sorts the postings by term and field (stably, so each list keeps its documents in
   * the order they were added, i.e. ascending ids) into one array of ids and one of frequencies, and gives each
   * term's field map its views. A generator yielding every few thousand terms (see packPostings).
   */
  *pack(): Generator<void, boolean> {
    this.flush();
    const slots = this.termData.length * this.fieldSlots;
    const starts = new Uint32Array(slots + 1);
    for (let at = 0; at < this.length; at += 1) starts[this.keys[at]! + 1]! += 1;
    for (let slot = 0; slot < slots; slot += 1) starts[slot + 1]! += starts[slot]!;
    const ids = new Uint32Array(this.length);
    const frequencies = new Uint16Array(this.length);
    const next = starts.slice(0, slots);
    for (let at = 0; at < this.length; at += 1) {
      const into = next[this.keys[at]!]!++;
      ids[into] = this.documents[at]!;
      frequencies[into] = this.frequencies[at]!;
      if ((at & 0xffff) === 0xffff) yield;
    }
    // The gathering arrays are not needed any more.
    this.keys = this.documents = new Uint32Array(0);
    this.frequencies = new Uint16Array(0);
    this.termIds.clear();
    for (let termId = 0; termId < this.termData.length; termId += 1) {
      const data = this.termData[termId]!;
      for (let fieldId = 0; fieldId < this.fieldSlots; fieldId += 1) {
        const slot = termId * this.fieldSlots + fieldId;
        const size = starts[slot + 1]! - starts[slot]!;
        if (size > 0) data.set(fieldId, new PackedTermFreqs(ids, frequencies, starts[slot]!, size));
      }
      if ((termId & 0x3ff) === 0x3ff) yield;
    }
    this.termData.length = 0;
    // MiniSearch's own addTerm again (the index is never added to after its build).
    delete this.internals.addTerm;
    return true;
  }
}
