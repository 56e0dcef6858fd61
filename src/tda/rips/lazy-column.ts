import type { BinomialTable } from "./binomial.ts";
import { edgeTop, type Filtration } from "./filtration.ts";

/**
 * A working column of edges' coboundaries that never enumerates them in full: each added
 * edge is a generator that yields its triangles lazily, in filtration order, and the column
 * is a heap of generators. A reduction adds many edges whose coboundaries hold up to n
 * triangles each; here only the few each generator reaches before the column settles are
 * ever produced. (Dimension 1 only: from dimension 2 up, where generators walk far before
 * columns settle, it was measured no faster than the radix heap.)
 *
 * Order: an edge uv of rank r has the triangle uvx at rank max(r, r_ux, r_vx). Walking the
 * rows of u and v (each vertex's neighbours by rank) merged, x is met once per row; its
 * triangle comes at the meeting of larger rank (ties: u's row, which is walked first), so
 * ranks come in order. Equal ranks form a group, ordered by decreasing index (a larger x
 * makes a larger index): exactly the filtration order (rank ascending, index descending).
 */
export class LazyColumn {
  pivotRank = 0;
  pivotIndex = 0;
  pivotCoefficient = 0;
  private n = 0;
  private ranks: Int32Array = new Int32Array(0);
  private binomial!: BinomialTable;
  /** Row of each vertex: its neighbours within the threshold, by rank. */
  private rowStart = new Int32Array(0);
  private rowFill = new Int32Array(0);
  private rowVertex = new Int32Array(0);
  private rowRank = new Int32Array(0);
  private modulus = 2;
  // Generators, as parallel arrays: the edge's vertices (u > v) and positions in their rows.
  private count = 0;
  private genU = new Int32Array(64);
  private genV = new Int32Array(64);
  private genAtU = new Int32Array(64);
  private genAtV = new Int32Array(64);
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

  /**
   * Readies the column for the edges of the filtration (which must have its rank matrix),
   * coefficients in Z/p: builds the rows. Arrays are kept and grown, so a column loaded
   * window after window allocates nothing once warm.
   */
  load(f: Filtration, binomial: BinomialTable, p: number): this {
    const n = f.n;
    const edges = f.edges;
    this.modulus = p;
    this.n = n;
    this.ranks = f.dense!;
    this.binomial = binomial;
    if (this.rowStart.length < n + 1) {
      this.rowStart = new Int32Array(n + 1);
      this.rowFill = new Int32Array(n + 1);
    }
    if (this.rowVertex.length < 2 * edges.size) {
      this.rowVertex = new Int32Array(2 * edges.size);
      this.rowRank = new Int32Array(2 * edges.size);
    }
    this.rowStart.fill(0, 0, n + 1);
    for (let k = 0; k < edges.size; k++) {
      const i = edgeTop(edges.indices[k]);
      this.rowStart[i + 1]++;
      this.rowStart[edges.indices[k] - (i * (i - 1)) / 2 + 1]++;
    }
    for (let v = 0; v < n; v++) this.rowStart[v + 1] += this.rowStart[v];
    const fill = this.rowFill;
    fill.set(this.rowStart.subarray(0, n));
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
    this.clear();
    return this;
  }

  clear(): void {
    this.count = 0;
    this.poolSize = 0;
    this.heapSize = 0;
  }

  /** Adds coefficient × the coboundary of edge `index` (rank `rank`). */
  addSimplex(index: number, rank: number, coefficient: number): void {
    if (this.count === this.genRank.length) this.growGenerators();
    const g = this.count++;
    const u = edgeTop(index);
    const v = index - (u * (u - 1)) / 2;
    this.genU[g] = u;
    this.genV[g] = v;
    this.genAtU[g] = this.rowStart[u];
    this.genAtV[g] = this.rowStart[v];
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

  /** Builds the generator's next group of equal-rank triangles and heads it; false when none. */
  private nextGroup(g: number): boolean {
    const u = this.genU[g];
    const v = this.genV[g];
    const r = this.genRank[g];
    const n = this.n;
    const ranks = this.ranks;
    const rowVertex = this.rowVertex;
    const rowRank = this.rowRank;
    const endU = this.rowStart[u + 1];
    const endV = this.rowStart[v + 1];
    let atU = this.genAtU[g];
    let atV = this.genAtV[g];
    const start = this.poolSize;
    let groupRank = -1;
    while (true) {
      // The row whose next neighbour has the smaller rank (ties: u's). x is emitted at this
      // meeting if the other row meets it earlier: nearer, or as near with u's row first. The
      // diagonal is infinite, so u and v themselves never are.
      const fromU = atU < endU && (atV >= endV || rowRank[atU] <= rowRank[atV]);
      if (!fromU && atV >= endV) break;
      const at = fromU ? atU : atV;
      const x = rowVertex[at];
      const rx = rowRank[at];
      if (fromU ? ranks[v * n + x] <= rx : ranks[u * n + x] < rx) {
        const rank = rx > r ? rx : r;
        if (groupRank === -1) groupRank = rank;
        // The next group starts here: left unread for its turn.
        else if (rank !== groupRank) break;
        if (this.poolSize === this.pool.length) this.pool = grow32(this.pool);
        // Ascending x in the pool (groups are short: insertion); the head walks it from the top.
        const pool = this.pool;
        let i = this.poolSize++;
        while (i > start && pool[i - 1] > x) {
          pool[i] = pool[i - 1];
          i--;
        }
        pool[i] = x;
      }
      if (fromU) atU++;
      else atV++;
    }
    this.genAtU[g] = atU;
    this.genAtV[g] = atV;
    if (groupRank === -1) return false;
    this.groupStart[g] = start;
    this.groupNext[g] = this.poolSize - 1;
    this.headRank[g] = groupRank;
    this.setHead(g);
    return true;
  }

  /** Index and coefficient of the triangle uvx at the generator's head. */
  private setHead(g: number): void {
    const x = this.pool[this.groupNext[g]];
    const u = this.genU[g];
    const v = this.genV[g];
    const bt = this.binomial.table;
    const s = this.binomial.stride;
    const c = this.genCoefficient[g];
    // Vertices in decreasing order; the sign is that of x's place from the bottom (0, 1 or 2).
    if (x > u) {
      this.headIndex[g] = bt[x * s + 3] + bt[u * s + 2] + bt[v * s + 1];
      this.headCoefficient[g] = c;
    } else if (x > v) {
      this.headIndex[g] = bt[u * s + 3] + bt[x * s + 2] + bt[v * s + 1];
      this.headCoefficient[g] = this.modulus - c;
    } else {
      this.headIndex[g] = bt[u * s + 3] + bt[v * s + 2] + bt[x * s + 1];
      this.headCoefficient[g] = c;
    }
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
    this.genU = grow32(this.genU);
    this.genV = grow32(this.genV);
    this.genAtU = grow32(this.genAtU);
    this.genAtV = grow32(this.genAtV);
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
