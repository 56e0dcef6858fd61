import type { BinomialTable } from "./binomial.ts";
import { decodeVertices } from "./cofacets.ts";
import { edgeTop, type Filtration } from "./filtration.ts";

/**
 * A working column whose coboundaries are never enumerated in full: each added simplex is
 * a generator that yields its cofacets lazily, in filtration order, and the column is a
 * heap of generators. A reduction adds many simplices whose coboundaries hold up to n
 * cofacets each; here only the few each generator reaches before the column settles are
 * ever produced.
 *
 * Order: a simplex σ of rank r has the cofacet σ ∪ {x} at rank max(r, max over v ∈ σ of
 * r_vx). Walking the rows of σ's vertices (each vertex's neighbours by rank) merged, x is
 * met once per vertex; its cofacet comes at the meeting of largest rank (ties: the first
 * such row), so ranks come in order. Equal ranks form a group, ordered by decreasing index
 * (a larger x makes a larger index): exactly the filtration order (rank ascending, index
 * descending).
 */
export class LazyColumn {
  pivotRank = 0;
  pivotIndex = 0;
  pivotCoefficient = 0;
  private readonly n: number;
  private readonly ranks: Int32Array;
  private readonly binomial: BinomialTable;
  /** Row of each vertex: its neighbours within the threshold, by rank. */
  private readonly rowStart: Int32Array;
  private readonly rowVertex: Int32Array;
  private readonly rowRank: Int32Array;
  private modulus = 2;
  /** Vertices of the simplices in this column (dimension + 1), and the stride of their slots. */
  private k = 2;
  private readonly stride: number;
  // Generators, as parallel arrays; vertices and row positions in slots of `stride`.
  private count = 0;
  private genVertices: Int32Array;
  private genAt: Int32Array;
  private genRank = new Int32Array(64);
  private genCoefficient = new Int32Array(64);
  private groupStart = new Int32Array(64);
  private groupNext = new Int32Array(64);
  private headRank = new Int32Array(64);
  private headIndex = new Float64Array(64);
  private headCoefficient = new Int32Array(64);
  /** The vertices x of every group built in this column. */
  private pool = new Int32Array(1024);
  private poolSize = 0;
  /** Heap of generator ids by head (rank ascending, index descending). */
  private heap = new Int32Array(64);
  private heapSize = 0;
  private settled = new Int32Array(64);

  constructor(f: Filtration, binomial: BinomialTable, maxDim: number) {
    const n = f.n;
    this.stride = maxDim + 1;
    this.genVertices = new Int32Array(64 * this.stride);
    this.genAt = new Int32Array(64 * this.stride);
    this.n = n;
    this.ranks = f.dense!;
    this.binomial = binomial;
    const edges = f.edges;
    this.rowStart = new Int32Array(n + 1);
    for (let k = 0; k < edges.size; k++) {
      const i = edgeTop(edges.indices[k]);
      this.rowStart[i + 1]++;
      this.rowStart[edges.indices[k] - (i * (i - 1)) / 2 + 1]++;
    }
    for (let v = 0; v < n; v++) this.rowStart[v + 1] += this.rowStart[v];
    const fill = this.rowStart.slice(0, n);
    this.rowVertex = new Int32Array(2 * edges.size);
    this.rowRank = new Int32Array(2 * edges.size);
    for (let k = 0; k < edges.size; k++) {
      const e = edges.indices[k];
      const i = edgeTop(e);
      const j = e - (i * (i - 1)) / 2;
      const r = edges.ranks[k];
      this.rowVertex[fill[i]] = j;
      this.rowRank[fill[i]++] = r;
      this.rowVertex[fill[j]] = i;
      this.rowRank[fill[j]++] = r;
    }
  }

  /** Prepares for columns of simplices of dimension `dim`, with coefficients in Z/p. */
  configure(dim: number, p: number): void {
    this.k = dim + 1;
    this.modulus = p;
  }

  clear(): void {
    this.count = 0;
    this.poolSize = 0;
    this.heapSize = 0;
  }

  /** Adds coefficient × the coboundary of simplex `index` (rank `rank`). */
  addSimplex(index: number, rank: number, coefficient: number): void {
    if (this.count === this.genRank.length) this.growGenerators();
    const g = this.count++;
    const slot = g * this.stride;
    const vertices = this.genVertices;
    decodeVertices(this.binomial, this.n, index, this.k - 1, vertices.subarray(slot, slot + this.k));
    for (let t = 0; t < this.k; t++) this.genAt[slot + t] = this.rowStart[vertices[slot + t]];
    this.genRank[g] = rank;
    this.genCoefficient[g] = coefficient;
    this.groupStart[g] = 0;
    this.groupNext[g] = 0;
    if (this.nextGroup(g)) this.heapPush(g);
  }

  /** Leaves the top generator's head in the pivot fields without summing; false when empty. */
  peek(): boolean {
    if (this.heapSize === 0) return false;
    const g = this.heap[0];
    this.pivotRank = this.headRank[g];
    this.pivotIndex = this.headIndex[g];
    this.pivotCoefficient = this.headCoefficient[g];
    return true;
  }

  /** Sums the generators at the smallest head until the sum is nonzero mod p; false when the column is zero. */
  settlePivot(p: number): boolean {
    while (this.heapSize > 0) {
      const top = this.heap[0];
      const index = this.headIndex[top];
      const rank = this.headRank[top];
      let sum = 0;
      let taken = 0;
      while (this.heapSize > 0 && this.headIndex[this.heap[0]] === index) {
        const g = this.heapPop();
        sum += this.headCoefficient[g];
        if (taken === this.settled.length) this.settled = grow32(this.settled);
        this.settled[taken++] = g;
      }
      sum %= p;
      if (sum !== 0) {
        for (let k = 0; k < taken; k++) this.heapPush(this.settled[k]);
        this.pivotRank = rank;
        this.pivotIndex = index;
        this.pivotCoefficient = sum;
        return true;
      }
      for (let k = 0; k < taken; k++) {
        const g = this.settled[k];
        if (this.advance(g)) this.heapPush(g);
      }
    }
    return false;
  }

  /** Moves a generator to its next cofacet; false when it has none left. */
  private advance(g: number): boolean {
    if (this.groupNext[g] > this.groupStart[g]) {
      this.groupNext[g]--;
      this.setHead(g);
      return true;
    }
    return this.nextGroup(g);
  }

  /** Builds the generator's next group of equal-rank cofacets and heads it; false when none. */
  private nextGroup(g: number): boolean {
    const k = this.k;
    const slot = g * this.stride;
    const vertices = this.genVertices;
    const at = this.genAt;
    const r = this.genRank[g];
    const n = this.n;
    const ranks = this.ranks;
    const rowStart = this.rowStart;
    const rowVertex = this.rowVertex;
    const rowRank = this.rowRank;
    const start = this.poolSize;
    let groupRank = -1;
    while (true) {
      // The row whose next neighbour has the smallest rank (ties: the first row).
      let row = -1;
      let rx = 0;
      for (let t = 0; t < k; t++) {
        const p = at[slot + t];
        if (p < rowStart[vertices[slot + t] + 1] && (row === -1 || rowRank[p] < rx)) {
          row = t;
          rx = rowRank[p];
        }
      }
      if (row === -1) break;
      const x = rowVertex[at[slot + row]];
      // Emitted at this meeting if it is the last of largest rank: every other vertex is
      // nearer, or as near and met later. A vertex of the simplex has an infinite diagonal.
      let emit = true;
      for (let t = 0; t < k && emit; t++) {
        if (t === row) continue;
        const ru = ranks[vertices[slot + t] * n + x];
        if (ru > rx || (ru === rx && t < row)) emit = false;
      }
      if (emit) {
        const rank = rx > r ? rx : r;
        if (groupRank === -1) groupRank = rank;
        else if (rank !== groupRank) break;
        if (this.poolSize === this.pool.length) this.pool = grow32(this.pool);
        this.pool[this.poolSize++] = x;
      }
      at[slot + row]++;
    }
    if (groupRank === -1) return false;
    // Ascending x in the pool; the head walks it from the top (largest index first).
    if (this.poolSize - start > 1) this.pool.subarray(start, this.poolSize).sort();
    this.groupStart[g] = start;
    this.groupNext[g] = this.poolSize - 1;
    this.headRank[g] = groupRank;
    this.setHead(g);
    return true;
  }

  /** Index and coefficient of the cofacet σ ∪ {x} at the generator's head. */
  private setHead(g: number): void {
    const x = this.pool[this.groupNext[g]];
    const k = this.k;
    const slot = g * this.stride;
    const vertices = this.genVertices;
    const bt = this.binomial.table;
    const s = this.binomial.stride;
    // Vertices above x keep k + 1 − t vertices at and below them; x enters at its place.
    let index = 0;
    let t = 0;
    while (t < k && vertices[slot + t] > x) {
      index += bt[vertices[slot + t] * s + (k + 1 - t)];
      t++;
    }
    index += bt[x * s + (k + 1 - t)];
    const below = k - t;
    for (; t < k; t++) index += bt[vertices[slot + t] * s + (k - t)];
    const c = this.genCoefficient[g];
    this.headIndex[g] = index;
    this.headCoefficient[g] = (below & 1) === 1 ? this.modulus - c : c;
  }

  private before(g: number, h: number): boolean {
    const rg = this.headRank[g];
    const rh = this.headRank[h];
    return rg < rh || (rg === rh && this.headIndex[g] > this.headIndex[h]);
  }

  private heapPush(g: number): void {
    if (this.heapSize === this.heap.length) this.heap = grow32(this.heap);
    const heap = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(g, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = g;
  }

  private heapPop(): number {
    const heap = this.heap;
    const top = heap[0];
    const last = heap[--this.heapSize];
    const n = this.heapSize;
    let i = 0;
    while (true) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(heap[child + 1], heap[child])) child++;
      if (!this.before(heap[child], last)) break;
      heap[i] = heap[child];
      i = child;
    }
    if (n > 0) heap[i] = last;
    return top;
  }

  private growGenerators(): void {
    this.genVertices = grow32(this.genVertices);
    this.genAt = grow32(this.genAt);
    this.genRank = grow32(this.genRank);
    this.genCoefficient = grow32(this.genCoefficient);
    this.groupStart = grow32(this.groupStart);
    this.groupNext = grow32(this.groupNext);
    this.headRank = grow32(this.headRank);
    this.headCoefficient = grow32(this.headCoefficient);
    const headIndex = new Float64Array(this.headIndex.length * 2);
    headIndex.set(this.headIndex);
    this.headIndex = headIndex;
  }
}

function grow32(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
