import type { Cocycle, Interval } from "../types.ts";
import { ApparentPairs } from "./apparent-pairs.ts";
import { ASSEMBLY_CHUNK, assembleWithHelper, type AssembledShare, type AssemblyHelper, type ShareAssembler } from "./assembly.ts";
import { BinomialTable } from "./binomial.ts";
import { ColumnHeap } from "./column-heap.ts";
import { RadixColumn } from "./radix-column.ts";
import { LazyColumn } from "./lazy-column.ts";
import { DenseCofacets, SparseCofacets, decodeVertices, type CofacetEnumerator } from "./cofacets.ts";
import { edgeTop, type Filtration } from "./filtration.ts";
import { inverseMod } from "./modular.ts";
import { IndexSet, PivotMap } from "./pivot-map.ts";
import { ReductionMatrix } from "./reduction-matrix.ts";
import { SimplexList } from "./simplex-list.ts";
import { Workspace } from "./workspace.ts";

const PROGRESS_EVERY = 1 << 13;

/** What a reduction may be given beyond the problem itself. */
export interface ReducerOptions {
  /** Keep representative cocycles. */
  cocycles?: boolean;
  onProgress?: (dim: number, done: number) => void;
  helper?: AssemblyHelper;
  /** Working structures kept from one run to the next (a stream reduces window after window). */
  workspace?: Workspace;
  /** Leave H0's intervals out (intervals[0] stays empty): a caller that has H0 already (a stream's spanning forest) need not pay for its pairs. */
  skipH0Intervals?: boolean;
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
export class RipsReducer implements ShareAssembler {
  readonly intervals: Interval[][] = [];
  readonly cocycles: Cocycle[][] = [];
  private readonly f: Filtration;
  private readonly maxDim: number;
  private readonly modulus: number;
  private readonly wantCocycles: boolean;
  private readonly skipH0Intervals: boolean;
  private readonly onProgress?: (dim: number, done: number) => void;
  private readonly binomial: BinomialTable;
  private readonly main: CofacetEnumerator;
  private readonly pairs: ApparentPairs;
  /** The working column of the dimension being reduced (computePairs): lazy, radix heap or binary heap. */
  private coboundary!: ColumnHeap | RadixColumn | LazyColumn;
  private readonly combination: ColumnHeap;
  /** The current candidate's vertices, in `assembleShare`. */
  private readonly candidate: Int32Array;

  private readonly helper?: AssemblyHelper;
  /** Where the working structures are kept between runs; a run's results never live there. */
  private readonly workspace: Workspace;

  constructor(f: Filtration, maxDim: number, modulus: number, options: ReducerOptions = {}) {
    this.helper = options.helper;
    this.f = f;
    this.maxDim = maxDim;
    this.modulus = modulus;
    this.wantCocycles = options.cocycles ?? false;
    this.skipH0Intervals = options.skipH0Intervals ?? false;
    this.onProgress = options.onProgress;
    const workspace = (this.workspace = options.workspace ?? new Workspace());
    this.binomial = workspace.object("binomial", () => new BinomialTable(f.n, maxDim + 2), (table) => table.fits(f.n, maxDim + 2));
    this.combination = workspace.object("combination", () => new ColumnHeap());
    this.combination.clear();
    const Enumerator = f.neighbors ? SparseCofacets : DenseCofacets;
    this.main = new Enumerator(f, this.binomial, maxDim + 1);
    this.pairs = new ApparentPairs(f, this.binomial, maxDim, workspace);
    this.candidate = new Int32Array(maxDim + 4);
    for (let d = 0; d <= maxDim; d++) {
      this.intervals.push([]);
      this.cocycles.push([]);
    }
  }

  run(): void {
    // Cofacets of apparent pairs, recorded while H0's non-forest edges are checked: the H1
    // reduction then looks its pivots up instead of testing them.
    let apparent: IndexSet | null = this.maxDim >= 1 ? this.workspace.object("apparent", () => new IndexSet()) : null;
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
    const h0 = this.skipH0Intervals ? null : this.intervals[0];
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
        if (h0 !== null && values[rank] !== 0) h0.push([0, values[rank]]);
      } else if (this.maxDim >= 1) {
        nonForest.push(index, rank);
      }
    }
    if (h0 !== null) for (let v = 0; v < n; v++) if (find(v) === v) h0.push([0, Infinity]);
    // Each non-forest edge records at most one cofacet: sized once, the set never grows.
    apparent?.reset(nonForest.size);
    // Reverse filtration order, leaving out edges in zero-persistence apparent pairs.
    const columns = this.workspace.object("edgeColumns", () => new SimplexList()).reset(nonForest.size);
    for (let k = nonForest.size - 1; k >= 0; k--) {
      const index = nonForest.indices[k];
      const rank = nonForest.ranks[k];
      const cofacet = this.pairs.zeroApparentCofacet(index, rank, 1, null);
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
          if (!pivots.has(first) && !this.pairs.isApparentCofacet(first, rank, dim + 1, apparent)) {
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
            if (!pivots.has(main.index) && !this.pairs.isApparentCofacet(main.index, rank, dim + 1, apparent)) {
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
        if (this.pairs.isApparentCofacet(pivotIndex, pivotRank, dim + 1, apparent)) {
          const facet = this.pairs.zeroPivotFacet(pivotIndex, pivotRank, dim + 1, null);
          // The pivot is paired with a simplex never made a column: add that simplex's coboundary.
          const facetCoefficient = this.pairs.facetOdd ? p - 1 : 1;
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
   * apparent pair, sorted for the reduction; with a helper, shared between two threads.
   */
  private assemble(dim: number, simplices: SimplexList, pivots: PivotMap, apparent: IndexSet | null, nextApparent: IndexSet | null, keepSimplices: boolean) {
    const share = assembleWithHelper(this, this.helper, dim, simplices, pivots, apparent, keepSimplices, nextApparent !== null);
    for (let k = 0; k < share.apparent.size; k++) nextApparent?.add(share.apparent.indices[k]);
    share.columns.sortForReduction(this.f.infinite);
    return { simplices: share.next, columns: share.columns };
  }

  /**
   * Assembles the chunks of `simplices` of the given parity (-1: all of them), returning
   * the columns, the simplices kept for the next dimension and the cofacets of apparent
   * pairs. Run by a helper thread on its share.
   */
  assembleShare(dim: number, simplices: SimplexList, parity: number, pivots: PivotMap, apparent: IndexSet | null, keepSimplices: boolean, recordApparent: boolean): AssembledShare {
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
        const cofacet = this.pairs.zeroApparentCofacet(index, rank, dim + 1, this.candidate);
        if (cofacet === -1) columns.push(index, rank);
        else if (recordApparent) apparentCofacets.push(cofacet, 0);
      }
    }
    return { columns, next, apparent: apparentCofacets };
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

/** An addition must cancel the pivot; if it ever did not, the reduction would loop forever. */
function checkProgress(found: boolean, coboundary: ColumnHeap | RadixColumn | LazyColumn, previousPivot: number): void {
  if (found && coboundary.pivotIndex === previousPivot) throw new Error("internal error: column addition left the pivot in place");
}
