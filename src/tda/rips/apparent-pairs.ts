import type { BinomialTable } from "./binomial.ts";
import { DenseCofacets, SparseCofacets, decodeVertices, type CofacetEnumerator } from "./cofacets.ts";
import { edgeTop, type Filtration } from "./filtration.ts";
import type { IndexSet } from "./pivot-map.ts";
import type { Workspace } from "./workspace.ts";

/**
 * Zero-persistence apparent pairs (Bauer 2021): a simplex whose oldest cofacet has the
 * simplex's own diameter, and is that cofacet's youngest facet of that diameter, is paired
 * with it without any reduction. These are the tests the reduction asks, answered from the
 * filtration alone: on a rank matrix as tight scans, elsewhere through a cofacet enumerator
 * of its own (the reduction's is mid-way when it asks).
 *
 * The filtration order is (diameter rank ascending, index descending).
 */
export class ApparentPairs {
  /** Vertices of the facet found by the last `zeroPivotFacet`, decreasing. */
  readonly facetVertices: Int32Array;
  /** Sign of the simplex found by the last `zeroPivotFacet` in its cofacet's boundary. */
  facetOdd = false;
  private readonly f: Filtration;
  private readonly binomial: BinomialTable;
  private readonly enumerator: CofacetEnumerator;
  /** Vertices of the cofacet found by the last `zeroPivotCofacet`, decreasing. */
  private readonly cofacetVertices: Int32Array;
  /** Position of the new vertex in `cofacetVertices` after `zeroPivotCofacet`. */
  private cofacetPosition = 0;
  private readonly decoded: Int32Array;
  private readonly pairRanks: Int32Array;
  /** With the rank matrix: each vertex's neighbours as a bitset of `words` words, for finding an edge's cofacets. */
  private readonly adjacency: Int32Array;
  private readonly words: number;

  constructor(f: Filtration, binomial: BinomialTable, maxDim: number, workspace: Workspace) {
    this.f = f;
    this.binomial = binomial;
    const Enumerator = f.neighbors ? SparseCofacets : DenseCofacets;
    this.enumerator = new Enumerator(f, binomial, maxDim + 1);
    this.facetVertices = new Int32Array(maxDim + 3);
    this.cofacetVertices = new Int32Array(maxDim + 4);
    this.decoded = new Int32Array(maxDim + 4);
    this.pairRanks = new Int32Array((maxDim + 3) * (maxDim + 3));
    this.words = (f.n + 31) >>> 5;
    this.adjacency = f.dense ? neighbourBits(f, this.words, workspace) : new Int32Array(0);
  }

  /**
   * Whether the simplex is the cofacet of an apparent pair whose facet was never made a
   * column: looked up where such cofacets were recorded, else derived.
   */
  isApparentCofacet(index: number, rank: number, dim: number, apparent: IndexSet | null): boolean {
    if (apparent) return apparent.has(index);
    const facet = this.zeroPivotFacet(index, rank, dim, null);
    return facet !== -1 && this.zeroPivotCofacet(facet, rank, dim - 1, this.facetVertices) === index;
  }

  /**
   * The cofacet with which the simplex forms a zero-persistence apparent pair, or -1.
   * `vertices`, when known, saves decoding.
   */
  zeroApparentCofacet(index: number, rank: number, dim: number, vertices: Int32Array | null): number {
    const cofacet = this.zeroPivotCofacet(index, rank, dim, vertices);
    if (cofacet === -1) return -1;
    // The simplex is the cofacet's facet without its new vertex. It is the youngest facet
    // of that diameter unless removing some vertex above the new one keeps the diameter
    // (those facets come first); when the new vertex is on top there are none.
    const position = this.cofacetPosition;
    if (position === 0) return cofacet;
    const w = this.cofacetVertices;
    const m = dim + 2;
    for (let t = 0; t < position; t++) {
      let keeps = false;
      for (let a = 0; a < m && !keeps; a++) {
        if (a === t) continue;
        for (let b = a + 1; b < m; b++) {
          if (b !== t && this.rankBetween(w[a], w[b]) === rank) {
            keeps = true;
            break;
          }
        }
      }
      if (keeps) return -1;
    }
    return cofacet;
  }

  /**
   * The youngest facet of the simplex if it has the simplex's own diameter, else -1; its
   * vertices are left in `facetVertices` and its sign in `facetOdd`.
   */
  zeroPivotFacet(index: number, rank: number, dim: number, vertices: Int32Array | null): number {
    const w = vertices ?? this.decoded;
    if (!vertices) decodeVertices(this.binomial, this.f.n, index, dim, w);
    const m = dim + 1;
    const pr = this.pairRanks;
    for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) pr[a * m + b] = this.rankBetween(w[a], w[b]);
    const bt = this.binomial.table;
    const bs = this.binomial.stride;
    // Removing the top vertex first gives the smallest facet index, the youngest among equals.
    for (let t = 0; t < m; t++) {
      let r = -1;
      for (let a = 0; a < m; a++) {
        if (a === t) continue;
        for (let b = a + 1; b < m; b++) if (b !== t && pr[a * m + b] > r) r = pr[a * m + b];
      }
      if (r !== rank) continue;
      let facet = 0;
      for (let i = 0; i < m; i++) {
        if (i < t) facet += bt[w[i] * bs + (dim - i)];
        else if (i > t) facet += bt[w[i] * bs + (dim + 1 - i)];
      }
      for (let i = 0, o = 0; i < m; i++) if (i !== t) this.facetVertices[o++] = w[i];
      this.facetOdd = ((dim - t) & 1) === 1;
      return facet;
    }
    return -1;
  }

  /**
   * The oldest cofacet of the simplex if it has the simplex's own diameter, else -1; its
   * vertices are left in `cofacetVertices`. `vertices`, when known, saves decoding.
   */
  private zeroPivotCofacet(index: number, rank: number, dim: number, vertices: Int32Array | null): number {
    if (this.f.dense) return this.zeroPivotCofacetDense(index, rank, dim, vertices);
    const enumerator = this.enumerator;
    enumerator.setSimplex(index, rank, dim, vertices ?? undefined);
    while (enumerator.next(true)) {
      if (enumerator.rank === rank) {
        this.cofacetPosition = enumerator.cofacetVertices(this.cofacetVertices);
        return enumerator.index;
      }
    }
    return -1;
  }

  /**
   * The same on a dense matrix, as one tight scan: the largest vertex within `rank` of
   * every vertex of the simplex (the diagonal is infinite, so the simplex's own vertices
   * never qualify); the index is computed once, for the hit.
   */
  private zeroPivotCofacetDense(index: number, rank: number, dim: number, vertices: Int32Array | null): number {
    const w = vertices ?? this.decoded;
    if (!vertices) decodeVertices(this.binomial, this.f.n, index, dim, w);
    const n = this.f.n;
    const ranks = this.f.dense!;
    let x = n - 1;
    const neighbors = this.f.neighbors;
    if (neighbors) {
      // Sparse graph: candidates are the neighbours of the vertex with the fewest, by decreasing vertex.
      const offsets = this.f.offsets!;
      const neighborRanks = this.f.neighborRanks!;
      let shortest = w[0];
      for (let t = 1; t <= dim; t++) if (offsets[w[t] + 1] - offsets[w[t]] < offsets[shortest + 1] - offsets[shortest]) shortest = w[t];
      x = -1;
      candidates: for (let p = offsets[shortest]; p < offsets[shortest + 1]; p++) {
        if (neighborRanks[p] > rank) continue;
        const y = neighbors[p];
        for (let t = 0; t <= dim; t++) if (ranks[w[t] * n + y] > rank) continue candidates;
        x = y;
        break;
      }
    } else if (dim === 1) {
      // Common neighbours from the top, a word at a time: most edges have few or none.
      const { adjacency, words } = this;
      const ra = w[0] * n;
      const rb = w[1] * n;
      x = -1;
      search: for (let k = words - 1; k >= 0; k--) {
        let common = adjacency[w[0] * words + k] & adjacency[w[1] * words + k];
        while (common !== 0) {
          const bit = 31 - Math.clz32(common);
          const y = (k << 5) + bit;
          if (ranks[ra + y] <= rank && ranks[rb + y] <= rank) {
            x = y;
            break search;
          }
          common ^= 1 << bit;
        }
      }
    } else {
      scan: for (; x >= 0; x--) {
        for (let t = 0; t <= dim; t++) if (ranks[w[t] * n + x] > rank) continue scan;
        break;
      }
    }
    if (x < 0) return -1;
    // Cofacet index: vertices above x keep their place shifted by one; x enters at its place.
    const bt = this.binomial.table;
    const bs = this.binomial.stride;
    const out = this.cofacetVertices;
    let cofacet = 0;
    let t = 0;
    while (t <= dim && w[t] > x) {
      out[t] = w[t];
      cofacet += bt[w[t] * bs + (dim + 2 - t)];
      t++;
    }
    out[t] = x;
    this.cofacetPosition = t;
    cofacet += bt[x * bs + (dim + 2 - t)];
    for (; t <= dim; t++) {
      out[t + 1] = w[t];
      cofacet += bt[w[t] * bs + (dim + 1 - t)];
    }
    return cofacet;
  }

  private rankBetween(u: number, v: number): number {
    const f = this.f;
    if (f.dense) return f.dense[u * f.n + v];
    // Neighbour lists are sorted by decreasing vertex: binary search.
    const neighbors = f.neighbors!;
    let lo = f.offsets![u];
    let hi = f.offsets![u + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = neighbors[mid];
      if (x === v) return f.neighborRanks![mid];
      if (x > v) lo = mid + 1;
      else hi = mid - 1;
    }
    return f.infinite;
  }
}

/** Each vertex's neighbours through the filtration's edges, as bitsets of `words` words per vertex. */
function neighbourBits(f: Filtration, words: number, workspace: Workspace): Int32Array {
  const bits = workspace.int32("adjacency", f.n * words).fill(0);
  const { indices, size } = f.edges;
  for (let k = 0; k < size; k++) {
    const u = edgeTop(indices[k]);
    const v = indices[k] - (u * (u - 1)) / 2;
    bits[u * words + (v >>> 5)] |= 1 << (v & 31);
    bits[v * words + (u >>> 5)] |= 1 << (u & 31);
  }
  return bits;
}
