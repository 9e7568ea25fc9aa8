/**
 * Latent semantic indexing (Deerwester et al. 1990) of the passages: a truncated SVD of the passage × term matrix
 * (log tf × idf, rows normalized), computed with a randomized range finder (Halko, Martinsson & Tropp 2011), so that
 * words that occur in the same passages of the customer's own articles end up close. A question is folded in
 * (its terms' vectors summed) and compared with every passage by cosine.
 */

export interface LatentSpaceOptions {
  /** Dimensions kept. */
  dimensions?: number;
  /** Extra random directions of the range finder. */
  oversampling?: number;
  /** Power iterations of the range finder. */
  powerIterations?: number;
  /** Seed of the random directions (deterministic builds). */
  seed?: number;
}

/** Small deterministic pseudo-random generator (mulberry32), uniform in [-1, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export class LatentSpace {
  private constructor(
    /** Term → its row in termVectors. */
    private readonly termIndex: Map<string, number>,
    /** Terms × dimensions (V_k Σ_k⁻¹ scaled so a passage's coordinates are the sum of its terms'). */
    private readonly termVectors: Float32Array,
    /** The idf of each term. */
    private readonly idf: Float32Array,
    /** Passages × dimensions, each row of length 1. */
    private readonly passageVectors: Float32Array,
    readonly dimensions: number,
    readonly passageCount: number,
  ) {}

  /** Bytes held by the space's arrays. */
  get bytes(): number {
    return this.termVectors.byteLength + this.passageVectors.byteLength + this.idf.byteLength;
  }

  /**
   * The space of `documents` (each the list of its index terms), built in small steps (yields between them; see
   * KnowledgeBase.build). Terms in fewer than 2 documents are left out (they bridge nothing).
   */
  static *build(
    documents: readonly string[][],
    options: LatentSpaceOptions = {},
  ): Generator<void, LatentSpace> {
    const n = documents.length;
    // Vocabulary and document frequencies.
    const df = new Map<string, number>();
    for (const terms of documents) for (const term of new Set(terms)) df.set(term, (df.get(term) ?? 0) + 1);
    yield;
    const termIndex = new Map<string, number>();
    for (const [term, count] of df) if (count >= 2) termIndex.set(term, termIndex.size);
    const v = termIndex.size;
    const idf = new Float32Array(v);
    for (const [term, index] of termIndex) idf[index] = Math.log(n / df.get(term)!);
    // CSR matrix of the passages: log(1 + tf) × idf, each row of length 1.
    const rowStart = new Int32Array(n + 1);
    const columns: number[] = [];
    const values: number[] = [];
    for (let row = 0; row < n; row += 1) {
      const tf = new Map<number, number>();
      for (const term of documents[row]!) {
        const column = termIndex.get(term);
        if (column !== undefined) tf.set(column, (tf.get(column) ?? 0) + 1);
      }
      let norm = 0;
      const start = values.length;
      for (const [column, count] of tf) {
        const weight = Math.log(1 + count) * idf[column]!;
        columns.push(column);
        values.push(weight);
        norm += weight * weight;
      }
      norm = Math.sqrt(norm) || 1;
      for (let index = start; index < values.length; index += 1) values[index]! /= norm;
      rowStart[row + 1] = values.length;
      if (row % 200 === 0) yield;
    }
    const col = Int32Array.from(columns);
    const val = Float32Array.from(values);
    const k = Math.min(options.dimensions ?? 150, Math.max(1, Math.min(n, v) - 1));
    const l = Math.min(k + (options.oversampling ?? 20), Math.min(n, v));
    const next = random(options.seed ?? 1);
    // Y = A Ω (n × l), Ω random (v × l).
    const omega = new Float64Array(v * l);
    for (let index = 0; index < omega.length; index += 1) omega[index] = next();
    let y = yield* multiply(rowStart, col, val, n, omega, l);
    for (let iteration = 0; iteration < (options.powerIterations ?? 2); iteration += 1) {
      yield* orthonormalize(y, n, l);
      const z = yield* multiplyTransposed(rowStart, col, val, n, v, y, l);
      yield* orthonormalize(z, v, l);
      y = yield* multiply(rowStart, col, val, n, z, l);
    }
    yield* orthonormalize(y, n, l);
    // B = Qᵀ A (l × v), stored as Bᵀ (v × l).
    const bt = yield* multiplyTransposed(rowStart, col, val, n, v, y, l);
    // B Bᵀ (l × l) = U_B Σ² U_Bᵀ.
    const gram = new Float64Array(l * l);
    for (let term = 0; term < v; term += 1) {
      const base = term * l;
      for (let i = 0; i < l; i += 1) {
        const bi = bt[base + i]!;
        if (bi === 0) continue;
        for (let j = i; j < l; j += 1) gram[i * l + j] = gram[i * l + j]! + bi * bt[base + j]!;
      }
      if (term % 500 === 0) yield;
    }
    for (let i = 0; i < l; i += 1) for (let j = 0; j < i; j += 1) gram[i * l + j] = gram[j * l + i]!;
    const { values: eigenvalues, vectors: eigenvectors } = yield* symmetricEigen(gram, l);
    const order = [...eigenvalues.keys()].sort((a, b) => eigenvalues[b]! - eigenvalues[a]!).slice(0, k);
    // Term vectors V_k = Bᵀ U_B Σ⁻¹ (v × k); a passage's coordinates U_k Σ_k = A V_k, so a question folds in as
    // q V_k: the sum of its terms' weighted rows.
    const termVectors = new Float32Array(v * k);
    for (let term = 0; term < v; term += 1) {
      const base = term * l;
      for (let d = 0; d < k; d += 1) {
        const column = order[d]!;
        const sigma = Math.sqrt(Math.max(eigenvalues[column]!, 1e-12));
        let sum = 0;
        for (let i = 0; i < l; i += 1) sum += bt[base + i]! * eigenvectors[i * l + column]!;
        termVectors[term * k + d] = sum / sigma;
      }
      if (term % 500 === 0) yield;
    }
    // Passage coordinates: Q U_B Σ (n × k), normalized.
    const passageVectors = new Float32Array(n * k);
    for (let row = 0; row < n; row += 1) {
      let norm = 0;
      for (let d = 0; d < k; d += 1) {
        const column = order[d]!;
        const sigma = Math.sqrt(Math.max(eigenvalues[column]!, 0));
        let sum = 0;
        for (let i = 0; i < l; i += 1) sum += y[row * l + i]! * eigenvectors[i * l + column]!;
        const value = sum * sigma;
        passageVectors[row * k + d] = value;
        norm += value * value;
      }
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < k; d += 1) passageVectors[row * k + d]! /= norm;
      if (row % 500 === 0) yield;
    }
    return new LatentSpace(termIndex, termVectors, idf, passageVectors, k, n);
  }

  /** A question's coordinates (its known terms' vectors, weighted by idf), or null when it has none. */
  fold(terms: readonly string[]): Float32Array | null {
    const k = this.dimensions;
    const out = new Float32Array(k);
    let any = false;
    for (const term of new Set(terms)) {
      const index = this.termIndex.get(term);
      if (index === undefined) continue;
      any = true;
      const weight = this.idf[index]!;
      for (let d = 0; d < k; d += 1) out[d] = out[d]! + weight * this.termVectors[index * k + d]!;
    }
    if (!any) return null;
    let norm = 0;
    for (let d = 0; d < k; d += 1) norm += out[d]! * out[d]!;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < k; d += 1) out[d]! /= norm;
    return out;
  }

  /** The `count` terms closest to a folded question (cosine), excluding `exclude`. */
  neighbours(
    query: Float32Array,
    count: number,
    exclude: ReadonlySet<string>,
  ): { term: string; similarity: number }[] {
    const k = this.dimensions;
    const out: { term: string; similarity: number }[] = [];
    for (const [term, index] of this.termIndex) {
      if (exclude.has(term)) continue;
      let dot = 0;
      let norm = 0;
      for (let d = 0; d < k; d += 1) {
        const value = this.termVectors[index * k + d]!;
        dot += value * query[d]!;
        norm += value * value;
      }
      const similarity = dot / (Math.sqrt(norm) || 1);
      if (out.length < count || similarity > out[out.length - 1]!.similarity) {
        out.push({ term, similarity });
        out.sort((a, b) => b.similarity - a.similarity);
        if (out.length > count) out.pop();
      }
    }
    return out;
  }

  /** Cosine of each passage (by position) with a folded question. */
  similarities(query: Float32Array): Float32Array {
    const k = this.dimensions;
    const out = new Float32Array(this.passageCount);
    for (let row = 0; row < this.passageCount; row += 1) {
      let sum = 0;
      const base = row * k;
      for (let d = 0; d < k; d += 1) sum += query[d]! * this.passageVectors[base + d]!;
      out[row] = sum;
    }
    return out;
  }
}

/** A (n × ?, CSR) × M (cols × l, row-major) → n × l. */
function* multiply(
  rowStart: Int32Array,
  col: Int32Array,
  val: Float32Array,
  n: number,
  m: Float64Array,
  l: number,
): Generator<void, Float64Array> {
  const out = new Float64Array(n * l);
  for (let row = 0; row < n; row += 1) {
    const base = row * l;
    for (let index = rowStart[row]!; index < rowStart[row + 1]!; index += 1) {
      const weight = val[index]!;
      const source = col[index]! * l;
      for (let j = 0; j < l; j += 1) out[base + j] = out[base + j]! + weight * m[source + j]!;
    }
    if (row % 300 === 0) yield;
  }
  return out;
}

/** Aᵀ (v × n) × M (n × l) → v × l. */
function* multiplyTransposed(
  rowStart: Int32Array,
  col: Int32Array,
  val: Float32Array,
  n: number,
  v: number,
  m: Float64Array,
  l: number,
): Generator<void, Float64Array> {
  const out = new Float64Array(v * l);
  for (let row = 0; row < n; row += 1) {
    const source = row * l;
    for (let index = rowStart[row]!; index < rowStart[row + 1]!; index += 1) {
      const weight = val[index]!;
      const target = col[index]! * l;
      for (let j = 0; j < l; j += 1) out[target + j] = out[target + j]! + weight * m[source + j]!;
    }
    if (row % 300 === 0) yield;
  }
  return out;
}

/** Orthonormalizes the l columns of M (rows × l, row-major) in place (modified Gram-Schmidt, done twice). */
function* orthonormalize(m: Float64Array, rows: number, l: number): Generator<void> {
  const column = new Float64Array(rows);
  for (let pass = 0; pass < 2; pass += 1) {
    for (let j = 0; j < l; j += 1) {
      for (let r = 0; r < rows; r += 1) column[r] = m[r * l + j]!;
      for (let i = 0; i < j; i += 1) {
        let dot = 0;
        for (let r = 0; r < rows; r += 1) dot += m[r * l + i]! * column[r]!;
        for (let r = 0; r < rows; r += 1) column[r] = column[r]! - dot * m[r * l + i]!;
      }
      let norm = 0;
      for (let r = 0; r < rows; r += 1) norm += column[r]! * column[r]!;
      norm = Math.sqrt(norm);
      for (let r = 0; r < rows; r += 1) m[r * l + j] = norm > 1e-10 ? column[r]! / norm : 0;
      yield;
    }
  }
}

/** Eigenvalues and eigenvectors (columns) of a symmetric l × l matrix (cyclic Jacobi). */
function* symmetricEigen(
  matrix: Float64Array,
  l: number,
): Generator<void, { values: Float64Array; vectors: Float64Array }> {
  const a = Float64Array.from(matrix);
  const vectors = new Float64Array(l * l);
  for (let i = 0; i < l; i += 1) vectors[i * l + i] = 1;
  for (let sweep = 0; sweep < 50; sweep += 1) {
    let off = 0;
    for (let p = 0; p < l; p += 1) for (let q = p + 1; q < l; q += 1) off += a[p * l + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < l; p += 1) {
      for (let q = p + 1; q < l; q += 1) {
        const apq = a[p * l + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * l + q]! - a[p * l + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < l; r += 1) {
          const arp = a[r * l + p]!;
          const arq = a[r * l + q]!;
          a[r * l + p] = c * arp - s * arq;
          a[r * l + q] = s * arp + c * arq;
        }
        for (let r = 0; r < l; r += 1) {
          const apr = a[p * l + r]!;
          const aqr = a[q * l + r]!;
          a[p * l + r] = c * apr - s * aqr;
          a[q * l + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < l; r += 1) {
          const vrp = vectors[r * l + p]!;
          const vrq = vectors[r * l + q]!;
          vectors[r * l + p] = c * vrp - s * vrq;
          vectors[r * l + q] = s * vrp + c * vrq;
        }
      }
      yield;
    }
  }
  const values = new Float64Array(l);
  for (let i = 0; i < l; i += 1) values[i] = a[i * l + i]!;
  return { values, vectors };
}
