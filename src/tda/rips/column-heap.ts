import { allocate } from "./simplex-list.ts";

/**
 * A working column of the coboundary matrix: a binary heap of (rank, index, coefficient)
 * entries whose top is the pivot, the oldest simplex in the filtration: smallest
 * diameter rank, then largest index. Entries with equal index are summed lazily when
 * the pivot is popped, as in Ripser.
 */
export class ColumnHeap {
  ranks = new Int32Array(256);
  indices = new Float64Array(256);
  coefficients = new Int32Array(256);
  size = 0;
  /** The pivot after `settlePivot`. */
  pivotRank = 0;
  pivotIndex = 0;
  pivotCoefficient = 0;

  clear(): void {
    this.size = 0;
  }

  push(rank: number, index: number, coefficient: number): void {
    if (this.size === this.ranks.length) this.grow();
    const ranks = this.ranks;
    const indices = this.indices;
    const coefficients = this.coefficients;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pr = ranks[parent];
      if (pr < rank || (pr === rank && indices[parent] >= index)) break;
      ranks[i] = pr;
      indices[i] = indices[parent];
      coefficients[i] = coefficients[parent];
      i = parent;
    }
    ranks[i] = rank;
    indices[i] = index;
    coefficients[i] = coefficient;
  }

  /** Removes the top entry (size > 0). */
  pop(): void {
    const n = --this.size;
    if (n === 0) return;
    const ranks = this.ranks;
    const indices = this.indices;
    const coefficients = this.coefficients;
    const rank = ranks[n];
    const index = indices[n];
    const coefficient = coefficients[n];
    let i = 0;
    while (true) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (ranks[right] < ranks[child] || (ranks[right] === ranks[child] && indices[right] > indices[child]))) {
        child = right;
      }
      const cr = ranks[child];
      if (rank < cr || (rank === cr && index >= indices[child])) break;
      ranks[i] = cr;
      indices[i] = indices[child];
      coefficients[i] = coefficients[child];
      i = child;
    }
    ranks[i] = rank;
    indices[i] = index;
    coefficients[i] = coefficient;
  }

  /**
   * Pops entries until the top index has a nonzero summed coefficient modulo p. Leaves
   * that entry, with its summed coefficient, at the top and returns true; false when the
   * column is zero.
   */
  settlePivot(modulus: number): boolean {
    const indices = this.indices;
    const coefficients = this.coefficients;
    while (this.size > 0) {
      const rank = this.ranks[0];
      const index = indices[0];
      let coefficient = coefficients[0];
      this.pop();
      while (this.size > 0 && indices[0] === index) {
        coefficient = (coefficient + coefficients[0]) % modulus;
        this.pop();
      }
      if (coefficient !== 0) {
        this.push(rank, index, coefficient);
        this.pivotRank = rank;
        this.pivotIndex = index;
        this.pivotCoefficient = coefficient;
        return true;
      }
    }
    return false;
  }

  private grow(): void {
    const capacity = this.ranks.length * 2;
    const ranks = allocate("entries in a working column", capacity, () => new Int32Array(capacity));
    ranks.set(this.ranks);
    const indices = new Float64Array(capacity);
    indices.set(this.indices);
    const coefficients = new Int32Array(capacity);
    coefficients.set(this.coefficients);
    this.ranks = ranks;
    this.indices = indices;
    this.coefficients = coefficients;
  }
}
