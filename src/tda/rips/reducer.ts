import type { Cocycle, Interval } from "../types.ts";
import { BinomialTable } from "./binomial.ts";
import { ColumnHeap } from "./column-heap.ts";
import { RadixColumn } from "./radix-column.ts";
import { LazyColumn } from "./lazy-column.ts";
import { DenseCofacets, SparseCofacets, decodeVertices, type CofacetEnumerator } from "./cofacets.ts";
import { edgeTop, type Filtration } from "./filtration.ts";
import { inverseMod } from "./modular.ts";
import { IndexSet, PivotMap } from "./pivot-map.ts";
import { SimplexList } from "./simplex-list.ts";
import { Workspace } from "./workspace.ts";

const PROGRESS_EVERY = 1 << 13;
/** Simplices per chunk when assembly is shared between threads. */
export const ASSEMBLY_CHUNK = 1 << 12;

/** What a helper thread needs to assemble its share of a dimension's columns. */
export interface AssemblyTask {
  dim: number;
  simplexIndices: Float64Array;
  simplexRanks: Int32Array;
  pivotKeys: Float64Array;
  apparentKeys: Float64Array | null;
  keepSimplices: boolean;
  recordApparent: boolean;
}

/** A helper's share: its columns, the simplices it kept and the apparent cofacets it found. */
export interface AssemblyShare {
  columnIndices: Float64Array;
  columnRanks: Int32Array;
  nextIndices: Float64Array;
  nextRanks: Int32Array;
  apparent: Float64Array;
}

/**
 * Assembles every other chunk of simplices on another thread (the odd chunks). The engine
 * defines the shape; a platform with threads provides it (see `RipsOptions.helper`).
 */
export interface AssemblyHelper {
  begin(task: AssemblyTask): void;
  /** The helper's share, or null if it could not do it (the caller then does it). */
  end(): AssemblyShare | null;
  close(): void;
}

/** Runs a helper's share of a task: the odd chunks. */
export function assembleOddChunks(reducer: RipsReducer, task: AssemblyTask): AssemblyShare {
  const simplices = SimplexList.of(task.simplexIndices, task.simplexRanks);
  const pivots = PivotMap.withKeys(task.pivotKeys);
  const apparent = task.apparentKeys ? IndexSet.withKeys(task.apparentKeys) : null;
  const share = reducer.assembleShare(task.dim, simplices, 1, pivots, apparent, task.keepSimplices, task.recordApparent);
  return {
    columnIndices: share.columns.indices.slice(0, share.columns.size),
    columnRanks: share.columns.ranks.slice(0, share.columns.size),
    nextIndices: share.next.indices.slice(0, share.next.size),
    nextRanks: share.next.ranks.slice(0, share.next.size),
    apparent: share.apparent.indices.slice(0, share.apparent.size),
  };
}

/** What a reduction may be given beyond the problem itself. */
export interface ReducerOptions {
  /** Keep representative cocycles. */
  cocycles?: boolean;
  onProgress?: (dim: number, done: number) => void;
  helper?: AssemblyHelper;
  /** Working structures kept from one run to the next (a stream reduces window after window). */
  workspace?: Workspace;
}

/**
 * Persistent cohomology of a Rips filtration, Ripser's way: columns of the coboundary
 * matrix reduced in reverse filtration order with clearing; coboundaries enumerated,
 * never stored; only the reduction matrix V is kept. Zero-persistence pairs are taken
 * without any reduction: emergent pairs during the reduction, and apparent pairs, which
 * are never even made columns. The cofacets of apparent pairs are remembered in a set
 * (`apparent`), which clears them from the next dimension and tells the reduction that
 * their column is just their facet's coboundary.
 *
 * The filtration order is (diameter rank ascending, index descending); a column's pivot
 * is its oldest cofacet.
 */
export class RipsReducer {
  readonly intervals: Interval[][] = [];
  readonly cocycles: Cocycle[][] = [];
  private readonly f: Filtration;
  private readonly maxDim: number;
  private readonly modulus: number;
  private readonly wantCocycles: boolean;
  private readonly onProgress?: (dim: number, done: number) => void;
  private readonly binomial: BinomialTable;
  private readonly main: CofacetEnumerator;
  /** A second enumerator for the apparent-pair tests run while `main` is mid-way. */
  private readonly aux: CofacetEnumerator;
  /** The working column of the dimension being reduced (computePairs): lazy, radix heap or binary heap. */
  private coboundary!: ColumnHeap | RadixColumn | LazyColumn;
  private readonly combination: ColumnHeap;
  private readonly facetVertices: Int32Array;
  private readonly cofacetVertices: Int32Array;
  private readonly decoded: Int32Array;
  /** The current candidate's vertices, in `assemble` and `computePairs`. */
  private readonly candidate: Int32Array;
  /** Position of the new vertex in `cofacetVertices` after `zeroPivotCofacet`. */
  private cofacetPosition = 0;
  private readonly pairRanks: Int32Array;
  /** Sign of the simplex found by the last `zeroPivotFacet` in its cofacet's boundary. */
  private facetOdd = false;

  private readonly helper?: AssemblyHelper;
  /** Where the working structures are kept between runs; a run's results never live there. */
  private readonly workspace: Workspace;
  /** With the rank matrix: each vertex's neighbours as a bitset of `words` words, for finding an edge's cofacets. */
  private readonly adjacency: Int32Array;
  private readonly words: number;

  constructor(f: Filtration, maxDim: number, modulus: number, options: ReducerOptions = {}) {
    this.helper = options.helper;
    this.f = f;
    this.maxDim = maxDim;
    this.modulus = modulus;
    this.wantCocycles = options.cocycles ?? false;
    this.onProgress = options.onProgress;
    const workspace = (this.workspace = options.workspace ?? new Workspace());
    this.binomial = workspace.object("binomial", () => new BinomialTable(f.n, maxDim + 2), (table) => table.fits(f.n, maxDim + 2));
    this.combination = workspace.object("combination", () => new ColumnHeap());
    this.combination.clear();
    this.words = (f.n + 31) >>> 5;
    this.adjacency = f.dense ? neighbourBits(f, this.words, workspace) : new Int32Array(0);
    const Enumerator = f.neighbors ? SparseCofacets : DenseCofacets;
    this.main = new Enumerator(f, this.binomial, maxDim + 1);
    this.aux = new Enumerator(f, this.binomial, maxDim + 1);
    this.facetVertices = new Int32Array(maxDim + 3);
    this.cofacetVertices = new Int32Array(maxDim + 4);
    this.decoded = new Int32Array(maxDim + 4);
    this.candidate = new Int32Array(maxDim + 4);
    this.pairRanks = new Int32Array((maxDim + 3) * (maxDim + 3));
    for (let d = 0; d <= maxDim; d++) {
      this.intervals.push([]);
      this.cocycles.push([]);
    }
  }

  run(): void {
    // Cofacets of apparent pairs, recorded while H0's non-forest edges are checked: the H1
    // reduction then looks its pivots up instead of testing them.
    let apparent: IndexSet | null = this.maxDim >= 1 ? this.workspace.object("apparent", () => new IndexSet()).reset(this.f.n * 4) : null;
    const { edges, columns } = this.computeH0(apparent);
    let simplices = edges;
    let cols = columns;
    for (let dim = 1; dim <= this.maxDim; dim++) {
      const pivots = this.computePairs(dim, cols, apparent);
      if (dim < this.maxDim) {
        // The last dimension's apparent cofacets clear nothing further: recomputed when asked, not stored.
        const last = dim + 1 === this.maxDim;
        const nextApparent = last ? null : new IndexSet(simplices.size * 2);
        const next = this.assemble(dim, simplices, pivots, apparent, nextApparent, !last);
        apparent = nextApparent;
        simplices = next.simplices;
        cols = next.columns;
      }
    }
  }

  /** H0 by Kruskal's union–find; edges not in the spanning forest become dimension-1 columns. */
  private computeH0(apparent: IndexSet | null): { edges: SimplexList; columns: SimplexList } {
    const { n, values, edges } = this.f;
    const parent = this.workspace.int32("h0Parent", n);
    for (let v = 0; v < n; v++) parent[v] = v;
    const find = (v: number): number => {
      while (parent[v] !== v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
      }
      return v;
    };
    const h0 = this.intervals[0];
    const nonForest = this.workspace.object("nonForest", () => new SimplexList()).reset(this.maxDim >= 1 ? edges.size : 0);
    for (let e = 0; e < edges.size; e++) {
      const index = edges.indices[e];
      const rank = edges.ranks[e];
      const top = edgeTop(index);
      const a = find(top);
      const b = find(index - (top * (top - 1)) / 2);
      if (a !== b) {
        if (a < b) parent[a] = b;
        else parent[b] = a;
        if (values[rank] !== 0) h0.push([0, values[rank]]);
      } else if (this.maxDim >= 1) {
        nonForest.push(index, rank);
      }
    }
    for (let v = 0; v < n; v++) if (find(v) === v) h0.push([0, Infinity]);
    // Reverse filtration order, leaving out edges in zero-persistence apparent pairs.
    const columns = this.workspace.object("edgeColumns", () => new SimplexList()).reset(nonForest.size);
    for (let k = nonForest.size - 1; k >= 0; k--) {
      const index = nonForest.indices[k];
      const rank = nonForest.ranks[k];
      const cofacet = this.zeroApparentCofacet(index, rank, 1, null);
      if (cofacet === -1) columns.push(index, rank);
      else apparent?.add(cofacet);
    }
    return { edges, columns };
  }

  /** Reduces the columns of dimension `dim`; returns their pivots (for clearing the next dimension). */
  private computePairs(dim: number, columns: SimplexList, apparent: IndexSet | null): PivotMap {
    const p = this.modulus;
    const values = this.f.values;
    const pivots = this.workspace.object("pivots", () => new PivotMap()).reset(columns.size);
    const main = this.main;
    const span = this.binomial.get(this.f.n, dim + 2);
    const packable = (this.f.infinite + 1) * span < 2 ** 53;
    // Edges' coboundaries are generated lazily from rank-ordered rows where the rank matrix
    // exists. Measured: faster in dimension 1; from dimension 2 up, where generators walk
    // far before columns settle, no faster than the radix heap and slower on sparse graphs.
    const lazyColumn = dim === 1 && this.f.dense ? this.workspace.object("lazyColumn", () => new LazyColumn()).load(this.f, this.binomial, p) : null;
    this.coboundary = lazyColumn ?? (packable ? new RadixColumn(span) : new ColumnHeap());
    const coboundary = this.coboundary;
    const combination = this.combination;
    const reduction = this.workspace.object("reduction", () => new ReductionMatrix()).reset(columns.size);
    const out = this.intervals[dim];
    for (let c = 0; c < columns.size; c++) {
      // The first half of a dimension's progress is its assembly, the second its reduction.
      if (this.onProgress && c % PROGRESS_EVERY === 0) this.onProgress(dim, dim === 1 ? c / columns.size : 0.5 + c / columns.size / 2);
      const index = columns.indices[c];
      const rank = columns.ranks[c];
      coboundary.clear();
      combination.clear();
      reduction.startColumn();

      // The coboundary, unless an emergent pair ends the column at once.
      let checkEmergent = true;
      let emergent = -1;
      let emergentCoefficient = 0;
      if (lazyColumn) {
        lazyColumn.addSimplex(index, rank, 1);
        // The first cofacet in filtration order is the one an emergent pair would take.
        if (lazyColumn.peek() && lazyColumn.pivotRank === rank) {
          const first = lazyColumn.pivotIndex;
          if (!pivots.has(first) && !this.isApparentCofacet(first, rank, dim + 1, apparent)) {
            emergent = first;
            emergentCoefficient = lazyColumn.pivotCoefficient;
          }
        }
      } else {
        const entries = coboundary as ColumnHeap | RadixColumn;
        main.setSimplex(index, rank, dim);
        while (main.next(true)) {
          const coefficient = main.odd ? p - 1 : 1;
          if (checkEmergent && main.rank === rank) {
            if (!pivots.has(main.index) && !this.isApparentCofacet(main.index, rank, dim + 1, apparent)) {
              emergent = main.index;
              emergentCoefficient = coefficient;
              break;
            }
            checkEmergent = false;
          }
          entries.push(main.rank, main.index, coefficient);
        }
      }
      if (emergent !== -1) {
        pivots.set(emergent, c, emergentCoefficient);
        continue;
      }

      let found = coboundary.settlePivot(p);
      while (true) {
        if (!found) {
          out.push([values[rank], Infinity]);
          if (this.wantCocycles) this.cocycles[dim].push(this.cocycleOf(index, dim, reduction, c, true));
          break;
        }
        const pivotIndex = coboundary.pivotIndex;
        const pivotRank = coboundary.pivotRank;
        const pivotCoefficient = coboundary.pivotCoefficient;
        const slot = pivots.find(pivotIndex);
        if (slot !== -1) {
          const other = pivots.columns[slot];
          const factor = (p - ((pivotCoefficient * inverseMod(pivots.coefficients[slot], p)) % p)) % p;
          this.addCoboundary(columns.indices[other], columns.ranks[other], factor, dim);
          for (let e = reduction.start[other]; e < reduction.start[other + 1]; e++) {
            this.addCoboundary(reduction.indices[e], reduction.ranks[e], (reduction.coefficients[e] * factor) % p, dim);
          }
          found = coboundary.settlePivot(p);
          checkProgress(found, coboundary, pivotIndex);
          continue;
        }
        if (this.isApparentCofacet(pivotIndex, pivotRank, dim + 1, apparent)) {
          const facet = this.zeroPivotFacet(pivotIndex, pivotRank, dim + 1, null);
          // The pivot is paired with a simplex never made a column: add that simplex's coboundary.
          const facetCoefficient = this.facetOdd ? p - 1 : 1;
          const factor = (p - ((pivotCoefficient * inverseMod(facetCoefficient, p)) % p)) % p;
          this.addCoboundary(facet, pivotRank, factor, dim);
          found = coboundary.settlePivot(p);
          checkProgress(found, coboundary, pivotIndex);
          continue;
        }
        if (pivotRank > rank) out.push([values[rank], values[pivotRank]]);
        pivots.set(pivotIndex, c, pivotCoefficient);
        reduction.storeColumn(combination, p);
        if (this.wantCocycles && pivotRank > rank) this.cocycles[dim].push(this.cocycleOf(index, dim, reduction, c, false));
        break;
      }
    }
    reduction.finish();
    this.onProgress?.(dim, 1);
    return pivots;
  }

  /** Adds coefficient × (the simplex) to the combination and × its coboundary to the working column. */
  private addCoboundary(index: number, rank: number, coefficient: number, dim: number): void {
    const p = this.modulus;
    const main = this.main;
    const coboundary = this.coboundary;
    this.combination.push(rank, index, coefficient);
    if (coboundary instanceof LazyColumn) {
      coboundary.addSimplex(index, rank, coefficient);
      return;
    }
    main.setSimplex(index, rank, dim);
    while (main.next(true)) coboundary.push(main.rank, main.index, main.odd ? p - coefficient : coefficient);
  }

  /**
   * Columns of dimension `dim + 1`: cofacets of `simplices` not cleared and not in an
   * apparent pair. With a helper, it takes every other chunk of simplices on another
   * thread; the result is the same, since columns are sorted afterwards.
   */
  private assemble(dim: number, simplices: SimplexList, pivots: PivotMap, apparent: IndexSet | null, nextApparent: IndexSet | null, keepSimplices: boolean) {
    const helper = simplices.size >= 4 * ASSEMBLY_CHUNK ? this.helper : undefined;
    const task: AssemblyTask = {
      dim,
      simplexIndices: simplices.indices.subarray(0, simplices.size),
      simplexRanks: simplices.ranks.subarray(0, simplices.size),
      pivotKeys: pivots.keys,
      apparentKeys: apparent ? apparent.keys : null,
      keepSimplices,
      recordApparent: nextApparent !== null,
    };
    helper?.begin(task);
    const share = this.assembleShare(dim, simplices, helper ? 0 : -1, pivots, apparent, keepSimplices, nextApparent !== null);
    if (helper) {
      const other = helper.end() ?? assembleOddChunks(this, task);
      share.columns.append(other.columnIndices, other.columnRanks);
      share.next.append(other.nextIndices, other.nextRanks);
      for (let k = 0; k < other.apparent.length; k++) share.apparent.push(other.apparent[k], 0);
    }
    for (let k = 0; k < share.apparent.size; k++) nextApparent?.add(share.apparent.indices[k]);
    share.columns.sortForReduction(this.f.infinite);
    return { simplices: share.next, columns: share.columns };
  }

  /**
   * Assembles the chunks of `simplices` of the given parity (-1: all of them), returning
   * the columns, the simplices kept for the next dimension and the cofacets of apparent
   * pairs. Run by a helper thread on its share.
   */
  assembleShare(dim: number, simplices: SimplexList, parity: number, pivots: PivotMap, apparent: IndexSet | null, keepSimplices: boolean, recordApparent: boolean) {
    const next = new SimplexList(keepSimplices ? simplices.size * 2 : 16);
    const columns = new SimplexList(simplices.size);
    const apparentCofacets = new SimplexList(recordApparent ? simplices.size : 16);
    const main = this.main;
    for (let s = 0; s < simplices.size; s++) {
      if (parity >= 0 && ((s / ASSEMBLY_CHUNK) & 1) !== parity) {
        s += ASSEMBLY_CHUNK - 1 - (s % ASSEMBLY_CHUNK);
        continue;
      }
      if (this.onProgress && s % PROGRESS_EVERY === 0) this.onProgress(dim + 1, s / simplices.size / 2);
      main.setSimplex(simplices.indices[s], simplices.ranks[s], dim);
      while (main.next(false)) {
        const index = main.index;
        const rank = main.rank;
        if (keepSimplices) next.push(index, rank);
        if (pivots.has(index) || apparent!.has(index)) continue;
        main.cofacetVertices(this.candidate);
        const cofacet = this.zeroApparentCofacet(index, rank, dim + 1, this.candidate);
        if (cofacet === -1) columns.push(index, rank);
        else if (recordApparent) apparentCofacets.push(cofacet, 0);
      }
    }
    return { columns, next, apparent: apparentCofacets };
  }

  /**
   * The oldest cofacet of the simplex if it has the simplex's own diameter, else -1; its
   * vertices are left in `cofacetVertices`. `vertices`, when known, saves decoding.
   */
  private zeroPivotCofacet(index: number, rank: number, dim: number, vertices: Int32Array | null): number {
    if (this.f.dense) return this.zeroPivotCofacetDense(index, rank, dim, vertices);
    const aux = this.aux;
    aux.setSimplex(index, rank, dim, vertices ?? undefined);
    while (aux.next(true)) {
      if (aux.rank === rank) {
        this.cofacetPosition = aux.cofacetVertices(this.cofacetVertices);
        return aux.index;
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

  /**
   * The youngest facet of the simplex if it has the simplex's own diameter, else -1; its
   * vertices are left in `facetVertices` and its sign in `facetOdd`.
   */
  private zeroPivotFacet(index: number, rank: number, dim: number, vertices: Int32Array | null): number {
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
   * Whether the simplex is the cofacet of an apparent pair whose facet was never made a
   * column: looked up where such cofacets were recorded, else derived.
   */
  private isApparentCofacet(index: number, rank: number, dim: number, apparent: IndexSet | null): boolean {
    if (apparent) return apparent.has(index);
    const facet = this.zeroPivotFacet(index, rank, dim, null);
    return facet !== -1 && this.zeroPivotCofacet(facet, rank, dim - 1, this.facetVertices) === index;
  }

  /** The cofacet with which the simplex forms a zero-persistence apparent pair, or -1. */
  private zeroApparentCofacet(index: number, rank: number, dim: number, vertices: Int32Array | null): number {
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

  /** The column's cochain (the simplex plus its reduction entries), as vertex lists. */
  private cocycleOf(index: number, dim: number, reduction: ReductionMatrix, column: number, fromWorking: boolean): Cocycle {
    const simplices: number[][] = [];
    const coefficients: number[] = [];
    const vertices = new Int32Array(dim + 1);
    const add = (simplex: number, coefficient: number) => {
      decodeVertices(this.binomial, this.f.n, simplex, dim, vertices);
      simplices.push(Array.from(vertices));
      coefficients.push(coefficient);
    };
    add(index, 1);
    if (fromWorking) {
      reduction.storeColumn(this.combination, this.modulus);
    }
    for (let e = reduction.start[column]; e < reduction.start[column + 1]; e++) add(reduction.indices[e], reduction.coefficients[e]);
    return { simplices, coefficients };
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

/** An addition must cancel the pivot; if it ever did not, the reduction would loop forever. */
function checkProgress(found: boolean, coboundary: ColumnHeap | RadixColumn | LazyColumn, previousPivot: number): void {
  if (found && coboundary.pivotIndex === previousPivot) throw new Error("internal error: column addition left the pivot in place");
}

/** The reduction matrix V, column by column (compressed sparse columns). */
class ReductionMatrix {
  start = new Int32Array(0);
  indices = new Float64Array(1024);
  ranks = new Int32Array(1024);
  coefficients = new Int32Array(1024);
  private columns = 0;
  private size = 0;

  /** Empties the matrix for `columnCount` columns. */
  reset(columnCount: number): this {
    if (this.start.length < columnCount + 2) this.start = new Int32Array(columnCount + 2);
    this.columns = 0;
    this.size = 0;
    return this;
  }

  startColumn(): void {
    this.start[this.columns++] = this.size;
    this.start[this.columns] = this.size;
  }

  /** Moves the working combination, with equal entries summed, into the current column. */
  storeColumn(combination: ColumnHeap, p: number): void {
    while (combination.settlePivot(p)) {
      if (this.size === this.indices.length) this.grow();
      this.indices[this.size] = combination.indices[0];
      this.ranks[this.size] = combination.ranks[0];
      this.coefficients[this.size++] = combination.coefficients[0];
      combination.pop();
    }
    this.start[this.columns] = this.size;
  }

  finish(): void {
    this.start[this.columns] = this.size;
  }

  private grow(): void {
    const capacity = this.indices.length * 2;
    const indices = new Float64Array(capacity);
    indices.set(this.indices);
    const ranks = new Int32Array(capacity);
    ranks.set(this.ranks);
    const coefficients = new Int32Array(capacity);
    coefficients.set(this.coefficients);
    this.indices = indices;
    this.ranks = ranks;
    this.coefficients = coefficients;
  }
}
