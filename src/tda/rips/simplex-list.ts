import { TdaInputError } from "../types.ts";

/** Beyond this many entries (about 3 GB of simplices) the problem is refused, not swapped. */
export const MAX_ENTRIES = 2 ** 28;

/** Allocates, turning the engine's running out of memory into a message a user can act on. */
export function allocate<T>(what: string, count: number, make: () => T): T {
  if (count > MAX_ENTRIES) {
    throw new TdaInputError(`too large for memory: more than ${MAX_ENTRIES} ${what}; lower the dimension or give a smaller threshold`);
  }
  try {
    return make();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new TdaInputError(`too large for memory: ${count} ${what}; lower the dimension or give a smaller threshold`);
    }
    throw error;
  }
}

/** A growable list of simplices: index (exact below 2^53) and diameter rank. */
export class SimplexList {
  indices: Float64Array;
  ranks: Int32Array;
  size = 0;

  constructor(capacity = 64) {
    this.indices = new Float64Array(Math.max(capacity, 16));
    this.ranks = new Int32Array(Math.max(capacity, 16));
  }

  /** A list over existing arrays. */
  static of(indices: Float64Array, ranks: Int32Array): SimplexList {
    const list = new SimplexList(0);
    list.indices = indices;
    list.ranks = ranks;
    list.size = indices.length;
    return list;
  }

  /** Empties the list, with room for `capacity` simplices. */
  reset(capacity: number): this {
    if (this.indices.length < capacity) {
      this.indices = allocate("simplices", capacity, () => new Float64Array(capacity));
      this.ranks = allocate("simplices", capacity, () => new Int32Array(capacity));
    }
    this.size = 0;
    return this;
  }

  append(indices: Float64Array, ranks: Int32Array): void {
    for (let k = 0; k < indices.length; k++) this.push(indices[k], ranks[k]);
  }

  push(index: number, rank: number): void {
    if (this.size === this.indices.length) this.grow();
    this.indices[this.size] = index;
    this.ranks[this.size++] = rank;
  }

  private grow(): void {
    const capacity = this.indices.length * 2;
    const indices = allocate("simplices", capacity, () => new Float64Array(capacity));
    indices.set(this.indices);
    const ranks = allocate("simplices", capacity, () => new Int32Array(capacity));
    ranks.set(this.ranks);
    this.indices = indices;
    this.ranks = ranks;
  }

  /**
   * Sorts into the order columns are reduced in: the reverse of the filtration, i.e.
   * rank descending, then index ascending. Counting sort on the rank, then each
   * bucket's indices sorted natively.
   */
  sortForReduction(rankCount: number): void {
    const n = this.size;
    const counts = new Int32Array(rankCount + 1);
    for (let k = 0; k < n; k++) counts[rankCount - this.ranks[k]]++;
    // counts[b] for bucket b = rankCount - rank; prefix sums give bucket starts.
    let start = 0;
    for (let b = 0; b <= rankCount; b++) {
      const c = counts[b];
      counts[b] = start;
      start += c;
    }
    const indices = new Float64Array(Math.max(n, 16));
    const ranks = new Int32Array(Math.max(n, 16));
    for (let k = 0; k < n; k++) {
      const at = counts[rankCount - this.ranks[k]]++;
      indices[at] = this.indices[k];
      ranks[at] = this.ranks[k];
    }
    let lo = 0;
    while (lo < n) {
      let hi = lo + 1;
      while (hi < n && ranks[hi] === ranks[lo]) hi++;
      if (hi - lo > 1) indices.subarray(lo, hi).sort();
      lo = hi;
    }
    this.indices = indices;
    this.ranks = ranks;
  }
}
