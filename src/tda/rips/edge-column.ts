import type { BinomialTable } from "./binomial.ts";
import { edgeTop, type Filtration } from "./filtration.ts";

/**
 * A working column of dimension 1 (edges) whose coboundaries are never enumerated in
 * full: each added edge is a generator that yields its cofacets (triangles) lazily, in
 * filtration order, and the column is a heap of generators. A long reduction adds
 * hundreds of edges whose coboundaries hold n triangles each; here only the few each
 * generator reaches before the column settles are ever produced.
 *
 * Order: an edge (a, b) of rank r has the cofacet (a, b, x) at rank max(r, r_ax, r_bx).
 * Walking the rows of a and b (each vertex's neighbours by rank) merged, a vertex x is
 * met twice, and its cofacet comes at the second meeting, so ranks come in order. Equal
 * ranks form a group, ordered by decreasing index (increasing x means increasing index):
 * exactly the filtration order (rank ascending, index descending).
 */
export class EdgeCofacetColumn {
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
  // Generators, as parallel arrays.
  private count = 0;
  private genA = new Int32Array(64);
  private genB = new Int32Array(64);
  private genRank = new Int32Array(64);
  private genCoefficient = new Int32Array(64);
  private genAtA = new Int32Array(64);
  private genAtB = new Int32Array(64);
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

  constructor(f: Filtration, binomial: BinomialTable) {
    const n = f.n;
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

  setModulus(p: number): void {
    this.modulus = p;
  }

  clear(): void {
    this.count = 0;
    this.poolSize = 0;
    this.heapSize = 0;
  }

  /** Adds coefficient × the coboundary of edge `index` (rank `rank`). */
  addEdge(index: number, rank: number, coefficient: number): void {
    if (this.count === this.genA.length) this.growGenerators();
    const g = this.count++;
    const a = edgeTop(index);
    const b = index - (a * (a - 1)) / 2;
    this.genA[g] = a;
    this.genB[g] = b;
    this.genRank[g] = rank;
    this.genCoefficient[g] = coefficient;
    this.genAtA[g] = this.rowStart[a];
    this.genAtB[g] = this.rowStart[b];
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
    const a = this.genA[g];
    const b = this.genB[g];
    const r = this.genRank[g];
    const n = this.n;
    const ranks = this.ranks;
    const rowVertex = this.rowVertex;
    const rowRank = this.rowRank;
    const endA = this.rowStart[a + 1];
    const endB = this.rowStart[b + 1];
    let atA = this.genAtA[g];
    let atB = this.genAtB[g];
    const start = this.poolSize;
    let groupRank = -1;
    while (atA < endA || atB < endB) {
      const fromA = atA < endA && (atB >= endB || rowRank[atA] <= rowRank[atB]);
      const at = fromA ? atA : atB;
      const x = rowVertex[at];
      const rx = rowRank[at];
      const other = fromA ? b : a;
      if (x !== other) {
        // Emitted at the second meeting; a tie is emitted from a's row.
        const ro = ranks[other * n + x];
        if (fromA ? ro <= rx : ro < rx) {
          const rank = rx > r ? rx : r;
          if (groupRank === -1) groupRank = rank;
          else if (rank !== groupRank) break;
          if (this.poolSize === this.pool.length) this.pool = grow32(this.pool);
          this.pool[this.poolSize++] = x;
        }
      }
      if (fromA) atA++;
      else atB++;
    }
    this.genAtA[g] = atA;
    this.genAtB[g] = atB;
    if (groupRank === -1) return false;
    // Ascending x in the pool; the head walks it from the top (largest index first).
    if (this.poolSize - start > 1) this.pool.subarray(start, this.poolSize).sort();
    this.groupStart[g] = start;
    this.groupNext[g] = this.poolSize - 1;
    this.headRank[g] = groupRank;
    this.setHead(g);
    return true;
  }

  /** Index and coefficient of the triangle (a, b, x) at the generator's head. */
  private setHead(g: number): void {
    const x = this.pool[this.groupNext[g]];
    const a = this.genA[g];
    const b = this.genB[g];
    const bt = this.binomial.table;
    const s = this.binomial.stride;
    let index: number;
    let odd: boolean;
    if (x > a) {
      index = bt[x * s + 3] + bt[a * s + 2] + bt[b * s + 1];
      odd = false;
    } else if (x > b) {
      index = bt[a * s + 3] + bt[x * s + 2] + bt[b * s + 1];
      odd = true;
    } else {
      index = bt[a * s + 3] + bt[b * s + 2] + bt[x * s + 1];
      odd = false;
    }
    const c = this.genCoefficient[g];
    this.headIndex[g] = index;
    this.headCoefficient[g] = odd ? this.modulus - c : c;
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
    this.genA = grow32(this.genA);
    this.genB = grow32(this.genB);
    this.genRank = grow32(this.genRank);
    this.genCoefficient = grow32(this.genCoefficient);
    this.genAtA = grow32(this.genAtA);
    this.genAtB = grow32(this.genAtB);
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
