import type { BinomialTable } from "./binomial.ts";
import type { Filtration } from "./filtration.ts";

/**
 * Enumerates the cofacets of one simplex in decreasing index order, as Ripser does:
 * nothing is stored, each cofacet's index and diameter rank are computed on the fly.
 * `setSimplex` starts a simplex; each `next()` that returns true leaves the cofacet in
 * `index`, `rank` and `odd` (the sign of the simplex in the cofacet's boundary).
 * With `next(false)` only cofacets whose new vertex is above all of the simplex's come,
 * so every simplex is produced exactly once from its facet without its top vertex.
 *
 * Two implementations share this shape: rows of a dense rank matrix, or merged
 * neighbour lists of a sparse graph.
 */
export interface CofacetEnumerator {
  index: number;
  rank: number;
  odd: boolean;
  /** Vertices of the current simplex, decreasing. */
  readonly vertices: Int32Array;
  setSimplex(index: number, rank: number, dim: number, vertices?: Int32Array): void;
  next(allCofacets: boolean): boolean;
  /** Writes the current cofacet's vertices, decreasing, into `out`; returns the new vertex's position. */
  cofacetVertices(out: Int32Array): number;
}

/** The simplex's vertices with `vertex` inserted after the first `above` of them. */
function insertVertex(vertices: Int32Array, dim: number, vertex: number, above: number, out: Int32Array): void {
  for (let t = 0; t < above; t++) out[t] = vertices[t];
  out[above] = vertex;
  for (let t = above; t <= dim; t++) out[t + 1] = vertices[t];
}

/** Writes the vertices of simplex `index` of dimension `dim`, decreasing, into `out`. */
export function decodeVertices(binomial: BinomialTable, n: number, index: number, dim: number, out: Int32Array): void {
  const t = binomial.table;
  const s = binomial.stride;
  let top = n - 1;
  for (let k = dim + 1; k >= 1; k--) {
    // Largest v ≤ top with C(v, k) ≤ index.
    let lo = k - 1;
    let hi = top;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t[mid * s + k] <= index) lo = mid;
      else hi = mid - 1;
    }
    out[dim + 1 - k] = lo;
    index -= t[lo * s + k];
    top = lo - 1;
  }
}

/** What both enumerators share: the simplex, its decoded vertices, and the index bookkeeping. */
abstract class CofacetCursor implements CofacetEnumerator {
  index = 0;
  rank = 0;
  odd = false;
  vertex = 0;
  readonly vertices: Int32Array;
  protected readonly n: number;
  protected readonly binomial: BinomialTable;
  protected dim = 0;
  protected simplexRank = 0;
  /** Vertices of the simplex below the candidate, passed ones, and the index parts below and above it. */
  protected k = 0;
  protected vi = 0;
  protected below = 0;
  protected above = 0;

  constructor(f: Filtration, binomial: BinomialTable, maxDim: number) {
    this.n = f.n;
    this.binomial = binomial;
    this.vertices = new Int32Array(maxDim + 2);
  }

  setSimplex(index: number, rank: number, dim: number, vertices?: Int32Array): void {
    if (vertices) this.vertices.set(vertices.subarray(0, dim + 1));
    else decodeVertices(this.binomial, this.n, index, dim, this.vertices);
    this.dim = dim;
    this.simplexRank = rank;
    this.k = dim + 1;
    this.vi = 0;
    this.below = index;
    this.above = 0;
  }

  abstract next(allCofacets: boolean): boolean;

  cofacetVertices(out: Int32Array): number {
    insertVertex(this.vertices, this.dim, this.vertex, this.vi, out);
    return this.vi;
  }
}

export class DenseCofacets extends CofacetCursor {
  private readonly ranks: Int32Array;
  private readonly infinite: number;
  private j = 0;

  constructor(f: Filtration, binomial: BinomialTable, maxDim: number) {
    super(f, binomial, maxDim);
    this.ranks = f.dense!;
    this.infinite = f.infinite;
  }

  override setSimplex(index: number, rank: number, dim: number, vertices?: Int32Array): void {
    super.setSimplex(index, rank, dim, vertices);
    this.j = this.n - 1;
  }

  next(allCofacets: boolean): boolean {
    const vertices = this.vertices;
    const ranks = this.ranks;
    const n = this.n;
    const dim = this.dim;
    const bt = this.binomial.table;
    const bs = this.binomial.stride;
    let j = this.j;
    while (j >= 0) {
      if (this.vi <= dim && vertices[this.vi] === j) {
        if (!allCofacets) break;
        this.below -= bt[j * bs + this.k];
        this.above += bt[j * bs + this.k + 1];
        this.k--;
        this.vi++;
        j--;
        continue;
      }
      const row = j * n;
      let r = this.simplexRank;
      for (let t = 0; t <= dim; t++) {
        const x = ranks[row + vertices[t]];
        if (x > r) r = x;
      }
      if (r >= this.infinite) {
        j--;
        continue;
      }
      this.rank = r;
      this.index = this.above + bt[j * bs + this.k + 1] + this.below;
      this.odd = (this.k & 1) === 1;
      this.vertex = j;
      this.j = j - 1;
      return true;
    }
    this.j = -1;
    return false;
  }
}

export class SparseCofacets extends CofacetCursor {
  private readonly offsets: Int32Array;
  private readonly neighbors: Int32Array;
  private readonly neighborRanks: Int32Array;
  /** Read position in each vertex's neighbour list, and its end. */
  private readonly at: Int32Array;
  private readonly end: Int32Array;

  constructor(f: Filtration, binomial: BinomialTable, maxDim: number) {
    super(f, binomial, maxDim);
    this.offsets = f.offsets!;
    this.neighbors = f.neighbors!;
    this.neighborRanks = f.neighborRanks!;
    this.at = new Int32Array(maxDim + 2);
    this.end = new Int32Array(maxDim + 2);
  }

  override setSimplex(index: number, rank: number, dim: number, vertices?: Int32Array): void {
    super.setSimplex(index, rank, dim, vertices);
    for (let t = 0; t <= dim; t++) {
      this.at[t] = this.offsets[this.vertices[t]];
      this.end[t] = this.offsets[this.vertices[t] + 1];
    }
  }

  next(allCofacets: boolean): boolean {
    const { vertices, neighbors, neighborRanks, at, end } = this;
    const dim = this.dim;
    const bt = this.binomial.table;
    const bs = this.binomial.stride;
    candidates: while (at[0] < end[0]) {
      const p0 = at[0]++;
      const x = neighbors[p0];
      let r = neighborRanks[p0];
      if (r < this.simplexRank) r = this.simplexRank;
      for (let t = 1; t <= dim; t++) {
        let p = at[t];
        const e = end[t];
        while (p < e && neighbors[p] > x) p++;
        at[t] = p;
        if (p === e) {
          at[0] = end[0];
          return false;
        }
        if (neighbors[p] !== x) continue candidates;
        if (neighborRanks[p] > r) r = neighborRanks[p];
      }
      while (this.vi <= dim && vertices[this.vi] > x) {
        if (!allCofacets) {
          at[0] = end[0];
          return false;
        }
        const v = vertices[this.vi];
        this.below -= bt[v * bs + this.k];
        this.above += bt[v * bs + this.k + 1];
        this.k--;
        this.vi++;
      }
      this.rank = r;
      this.index = this.above + bt[x * bs + this.k + 1] + this.below;
      this.odd = (this.k & 1) === 1;
      this.vertex = x;
      return true;
    }
    return false;
  }

}
