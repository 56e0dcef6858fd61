import { buildFiltration, rankMatrixFiltration, rankSortedEdges, type EdgeEnds, type Filtration } from "./rips/filtration.ts";
import { SimplexList } from "./rips/simplex-list.ts";
import { checkModulus } from "./rips/modular.ts";
import { RipsReducer } from "./rips/reducer.ts";
import { collapseFiltration } from "./rips/edge-collapse.ts";
import { collapseByDefault, COLLAPSE_GIVE_UP_TESTS_PER_EDGE } from "./rips/collapse-policy.ts";
import { edgesUpTo, lastUnfilledLength } from "./rips/h1-reach.ts";
import { Workspace } from "./rips/workspace.ts";
import { h1InKernel } from "./rips/kernel-h1.ts";
import { ripsKernel } from "./rips/wasm/rips-kernel.ts";
import type { AssemblyHelper } from "./rips/assembly.ts";
import { TdaInputError, type Interval, type PersistenceResult, type RipsInput } from "./types.ts";

/**
 * The Rips engine: the package entry `streaming-tda/rips`. Besides ripsPersistence, the parts
 * for callers that keep a window's distances and sorted edges themselves (persistenceAboveZero,
 * Workspace, edgesUpTo), landmarks for large windows, and the column-assembly protocol that a
 * platform with threads implements (AssemblyHelper, RipsReducer, assembleOddChunks).
 */
export { enclosingRadius, euclideanFloat32, type Filtration } from "./rips/filtration.ts";
export { edgesUpTo } from "./rips/h1-reach.ts";
export { isPrime } from "./rips/modular.ts";
export { Workspace } from "./rips/workspace.ts";
export { RipsReducer } from "./rips/reducer.ts";
export { assembleOddChunks, type AssemblyHelper, type AssemblyShare, type AssemblyTask } from "./rips/assembly.ts";
export { maxminLandmarks, type Landmarks, type MaxminOptions, type PointsInput } from "./landmarks.ts";

export interface RipsOptions {
  /** Highest homology dimension computed (default 1). */
  maxDim?: number;
  /** Largest diameter of a simplex; default: the enclosing radius (Ripser's default). */
  threshold?: number;
  /** Prime p of the coefficient field Z/p (default 2). */
  modulus?: number;
  /** Also return a representative cocycle for every interval of dimension ≥ 1. */
  cocycles?: boolean;
  /**
   * Collapse dominated edges before reducing (tda/rips/edge-collapse.ts): the same intervals
   * from far fewer edges where points sample a low-dimensional shape densely (a noisy loop:
   * 10–20× fewer). Not with `cocycles`, whose representatives live on the full complex.
   * Default: where it was measured to pay (rips/collapse-policy.ts): from H2 up, and for H1
   * on point clouds in up to 3 dimensions.
   */
  collapse?: boolean;
  /** Called now and then with the dimension being reduced and the share of it done. */
  onProgress?: (dim: number, done: number) => void;
  /**
   * Where the working arrays live between calls: the distances, the rank matrix, the edges
   * and the reduction's structures are refilled there, not allocated again. One computation
   * at a time per workspace. Default: one kept by the library for problems of up to
   * 256 points to H1, and a fresh one for anything larger.
   */
  workspace?: Workspace;
  /**
   * Makes a helper that assembles half of each dimension's columns on another thread
   * (for Node: `assemblyWorker` in src/service/runtime/rips-threads.ts). Results are identical.
   */
  assemblyHelper?: (filtration: Filtration, maxDim: number) => AssemblyHelper;
}

/** Highest homology dimension computed. */
export const MAX_DIM = 8;

function checkOptions(maxDim: number, modulus: number): void {
  if (!Number.isInteger(maxDim) || maxDim < 0 || maxDim > MAX_DIM) {
    throw new TdaInputError(`dimension ${maxDim} must be an integer from 0 to ${MAX_DIM}`);
  }
  checkModulus(modulus);
}

function pointCount(input: RipsInput): number {
  if (Array.isArray(input)) return input.length;
  if (input.type === "points") return input.dimension > 0 ? Math.floor(input.points.length / input.dimension) : 0;
  return input.n;
}

/** Refuses, before any work, problems whose simplex indices would pass 2^53. */
function checkIndexRange(n: number, maxDim: number): void {
  const k = maxDim + 2;
  let c = 1;
  for (let i = 1; i <= k && n >= k; i++) c = (c * (n - k + i)) / i;
  if (n >= k && c >= 2 ** 53) {
    throw new TdaInputError(
      `${n} points in dimension ${maxDim} need simplex indices up to C(${n}, ${k}) ≥ 2^53, beyond exact integers: lower the dimension or use fewer points`,
    );
  }
}

/**
 * Persistence intervals of the Vietoris–Rips filtration of `input`, per dimension up to
 * `maxDim`: the barcodes Ripser 1.2.1 computes (distances as 32-bit floats, threshold by
 * default the enclosing radius, coefficients in Z/p). Intervals of zero length are left
 * out; a class that never dies has death Infinity.
 */
/** What ripsPersistence says about the complex besides the intervals: what Ripser prints above them. */
export interface RipsComplexFacts {
  /** Number of points. */
  n: number;
  /** Smallest and largest distance in the input. */
  valueRange: [number, number];
  /** Edges within the threshold, before any collapse. */
  edges: number;
}

export function ripsPersistence(input: RipsInput, options: RipsOptions = {}): PersistenceResult & RipsComplexFacts {
  const { maxDim = 1, modulus = 2, cocycles = false } = options;
  checkOptions(maxDim, modulus);
  if (options.collapse && cocycles) throw new TdaInputError("cocycles come from the full complex: ask for either cocycles or collapse, not both");
  const collapse = options.collapse ?? collapseByDefault(input, maxDim, cocycles);
  const n = pointCount(input);
  checkIndexRange(n, maxDim);
  const keeps = options.workspace === undefined && !keptWorkspaceBusy && n <= KEPT_WORKSPACE_MAX_POINTS && maxDim <= 1;
  const workspace = options.workspace ?? (keeps ? keptWorkspace : new Workspace());
  // A call made from inside this one (by onProgress) must not refill the arrays this one is using.
  if (keeps) keptWorkspaceBusy = true;
  try {
    const built = buildFiltration(input, options.threshold, workspace);
    // The collapse needs the rank matrix; graphs too large for one are reduced as they are.
    // Unasked, the collapse gives up early where it would cost more than it removes.
    const giveUpAbove = options.collapse === undefined ? COLLAPSE_GIVE_UP_TESTS_PER_EDGE : Infinity;
    const f = collapse && maxDim >= 1 && built.dense ? collapseFiltration(built, workspace, giveUpAbove) : built;
    const helper = options.assemblyHelper?.(f, maxDim);
    const reducer = new RipsReducer(f, maxDim, modulus, { cocycles, onProgress: options.onProgress, helper, workspace });
    try {
      reducer.run();
    } finally {
      helper?.close();
    }
    return resultOf(reducer, f, built.edges.size, cocycles);
  } finally {
    if (keeps) keptWorkspaceBusy = false;
  }
}

/**
 * The library's own workspace for small problems. Allocating a computation's arrays afresh
 * costs about as much as the computation at this size: in a browser each call touched
 * about 1,000 fresh pages (4 MB) for 200 points, page faults that a loaded machine makes
 * slow. It holds what the largest problem it served needed: up to about 6 MB (256 points).
 */
const KEPT_WORKSPACE_MAX_POINTS = 256;
const keptWorkspace = new Workspace();
let keptWorkspaceBusy = false;

/** The caller's result: plain arrays and numbers, nothing that lives in the workspace. */
function resultOf(reducer: RipsReducer, f: Filtration, edges: number, cocycles: boolean): PersistenceResult & RipsComplexFacts {
  const result: PersistenceResult & RipsComplexFacts = {
    diagrams: reducer.intervals,
    threshold: f.threshold,
    n: f.n,
    valueRange: [f.valueRange[0], f.valueRange[1]],
    edges,
  };
  if (cocycles) result.cocycles = reducer.cocycles;
  return result;
}

/**
 * Persistence in dimensions 1…maxDim of a window whose distances and sorted edges the
 * caller keeps incrementally. `lower` is the compressed lower-triangular matrix (pair
 * i > j at i(i-1)/2 + j) of 32-bit distances; `sortedEdges` lists the edge indices with
 * distance ≤ threshold by distance ascending, ties by larger index first. Returns
 * diagrams 1…maxDim (entry 0 is empty: the caller maintains H0 itself). Edges are
 * collapsed first unless `collapse` is false: windows of a stream sample shapes densely,
 * where that leaves a tenth of the edges. A caller computing window after window passes
 * the same `workspace` each time, and the working arrays are reused.
 *
 * H1 alone over Z/2 with the collapse, the common case of a stream, runs from the edges to
 * the intervals in the WebAssembly kernel (rips/kernel-h1.ts) unless `kernel` is false or
 * the host has no WebAssembly; both give the same intervals in the same order.
 *
 * With `maxDim` 1 and a `reachGuess` (a value below which the caller expects every H1
 * class to die, such as the last death in its previous window), H1 is first computed only
 * up to that value or the last unfilled edge, whichever is later, and kept when no class is
 * alive there (rips/h1-reach.ts); otherwise halfway to the threshold, then up to it. The
 * result is the same. `witnesses` (one entry per pair of points), kept by the caller from
 * window to window, speeds up finding that last unfilled edge (see lastUnfilledLength).
 */
export function persistenceAboveZero(
  n: number,
  lower: Float32Array,
  threshold: number,
  sortedEdges: ArrayLike<number>,
  options: { maxDim: number; modulus?: number; collapse?: boolean; workspace?: Workspace; reachGuess?: number; witnesses?: Uint16Array; kernel?: boolean },
): Interval[][] {
  const { maxDim, modulus = 2, collapse = true, workspace = new Workspace(), reachGuess, witnesses, kernel = true } = options;
  checkOptions(maxDim, modulus);
  checkIndexRange(n, maxDim);
  const m = sortedEdges.length;
  if (maxDim === 1 && reachGuess !== undefined) {
    // The guess, then halfway from it to the threshold: a class outliving the guess usually dies soon after.
    const first = lastUnfilledLength(n, lower, sortedEdges, m, reachGuess, workspace.edgeTops(n), witnesses);
    for (const reach of [first, (first + threshold) / 2]) {
      if (reach >= threshold) break;
      const intervals = reduceSortedEdges(n, lower, reach, sortedEdges, edgesUpTo(lower, sortedEdges, m, reach), maxDim, modulus, collapse, kernel, workspace);
      if (intervals[1].every(([, death]) => death !== Infinity)) return intervals;
    }
  }
  return reduceSortedEdges(n, lower, threshold, sortedEdges, m, maxDim, modulus, collapse, kernel, workspace);
}

/** Dimensions 1…maxDim from the first `count` sorted edges, which reach up to `threshold`. */
function reduceSortedEdges(
  n: number,
  lower: Float32Array,
  threshold: number,
  sortedEdges: ArrayLike<number>,
  count: number,
  maxDim: number,
  modulus: number,
  collapse: boolean,
  useKernel: boolean,
  workspace: Workspace,
): Interval[][] {
  const kernel = useKernel && collapse && maxDim === 1 && modulus === 2 ? ripsKernel() : null;
  if (kernel !== null) return [[], h1InKernel(kernel, n, lower, sortedEdges, count, workspace.edgeTops(n), workspace.float32("values", count))];
  const full = filtrationFromSortedEdges(n, lower, threshold, sortedEdges, count, workspace);
  const f = collapse ? collapseFiltration(full, workspace) : full;
  const reducer = new RipsReducer(f, maxDim, modulus, { workspace, skipH0Intervals: true });
  reducer.run();
  return reducer.intervals;
}

/**
 * Ranks straight from edges already in filtration order: no sort. Its arrays live in
 * `workspace`. Absent pairs get rank m, above every rank the pass can hand out.
 */
function filtrationFromSortedEdges(n: number, lower: Float32Array, threshold: number, sortedEdges: ArrayLike<number>, m: number, workspace: Workspace): Filtration {
  const values = workspace.float32("values", m);
  const ends = { top: workspace.int32("endsTop", m), bottom: workspace.int32("endsBottom", m) };
  const infinite = m;
  const edges = SimplexList.of(workspace.float64("edgeIndices", m), workspace.int32("edgeRanks", m));
  const rank = rankSortedEdges(lower, sortedEdges, m, workspace.edgeTops(n), values, ends.top, ends.bottom, edges.ranks);
  const dense = denseRanks(n, m, infinite, ends, edges.ranks, workspace.int32("ranks", n * n));
  for (let k = 0; k < m; k++) edges.indices[k] = sortedEdges[k];
  const ranksOfValues = values.subarray(0, rank + 1);
  return rankMatrixFiltration(n, threshold, ranksOfValues, infinite, dense, edges, [m ? ranksOfValues[0] : 0, m ? ranksOfValues[rank] : 0], ends);
}

/** The n×n rank matrix of the first m edges: each edge's rank at both of its entries, `infinite` elsewhere. */
function denseRanks(n: number, m: number, infinite: number, ends: EdgeEnds, ranks: Int32Array, dense: Int32Array): Int32Array {
  dense.fill(infinite);
  const { top, bottom } = ends;
  for (let k = 0; k < m; k++) {
    dense[top[k] * n + bottom[k]] = ranks[k];
    dense[bottom[k] * n + top[k]] = ranks[k];
  }
  return dense;
}
