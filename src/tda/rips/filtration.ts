import { TdaInputError, type RipsInput } from "../types.ts";
import { SimplexList } from "./simplex-list.ts";
import { Workspace } from "./workspace.ts";

/**
 * The Rips filtration's 1-skeleton, with every edge length replaced by its rank among the
 * distinct lengths up to the threshold: the reduction compares integers, and lengths
 * come back through `values[rank]`. Pairs beyond the threshold have rank `infinite`.
 *
 * `dense` is the n×n rank matrix, kept whenever n is small enough, for constant-time
 * lookups. A graph with most pairs beyond the threshold (or too many points for the
 * matrix) also has neighbour lists (CSR) sorted by decreasing vertex, and its cofacets
 * are enumerated by merging those lists.
 */
export interface Filtration {
  n: number;
  threshold: number;
  values: Float32Array;
  /** The rank of absent pairs: above every edge's rank (the number of distinct lengths, or more). */
  infinite: number;
  dense: Int32Array | null;
  offsets: Int32Array | null;
  neighbors: Int32Array | null;
  neighborRanks: Int32Array | null;
  /** Edges within the threshold in filtration order: rank ascending, then index descending. */
  edges: SimplexList;
  /** Endpoints of `edges` (larger vertex in `top`), when the builder had them: spares decoding them again. */
  edgeEnds?: EdgeEnds;
  /** Smallest and largest distance in the input, as Ripser reports them. */
  valueRange: [number, number];
}

export interface EdgeEnds {
  top: Int32Array;
  bottom: Int32Array;
}

/** The larger vertex of edge `e` = i(i-1)/2 + j, i > j. */
export function edgeTop(e: number): number {
  let i = Math.floor((1 + Math.sqrt(1 + 8 * e)) / 2);
  if ((i * (i - 1)) / 2 > e) i--;
  else if ((i * (i + 1)) / 2 <= e) i++;
  return i;
}

/** Orders edges by a stable counting sort on rank over edges listed by decreasing index. */
export function sortEdgesByRank(byDecreasingIndex: SimplexList, rankCount: number): SimplexList {
  const counts = new Int32Array(rankCount + 1);
  for (let k = 0; k < byDecreasingIndex.size; k++) counts[byDecreasingIndex.ranks[k] + 1]++;
  for (let r = 0; r < rankCount; r++) counts[r + 1] += counts[r];
  const sorted = new SimplexList(byDecreasingIndex.size);
  for (let k = 0; k < byDecreasingIndex.size; k++) {
    const at = counts[byDecreasingIndex.ranks[k]]++;
    sorted.indices[at] = byDecreasingIndex.indices[k];
    sorted.ranks[at] = byDecreasingIndex.ranks[k];
  }
  sorted.size = byDecreasingIndex.size;
  return sorted;
}

const DENSE_MAX_N = 4096;
const MAX_LOWER_ENTRIES = 2 ** 28;

/**
 * Ranks straight from edges already in filtration order, one pass: each edge's ends and
 * rank, and each rank's length in `values`. Returns the last rank given. A function of its
 * own: V8 compiles a long loop while it runs, and code compiled so drops out at the first
 * property access after the loop that had not run yet.
 */
export function rankSortedEdges(lower: Float32Array, sortedEdges: ArrayLike<number>, m: number, tops: Int32Array, values: Float32Array, top: Int32Array, bottom: Int32Array, ranks: Int32Array): number {
  let rank = -1;
  let last = NaN;
  for (let k = 0; k < m; k++) {
    const e = sortedEdges[k];
    const d = lower[e];
    if (d !== last) {
      values[++rank] = d;
      last = d;
    }
    const i = tops[e];
    top[k] = i;
    bottom[k] = e - (i * (i - 1)) / 2;
    ranks[k] = rank;
  }
  return rank;
}

/** Ripser's float arithmetic: each difference, square and sum rounded to 32 bits. */
export function euclideanFloat32(points: ArrayLike<number>, dimension: number, a: number, b: number): number {
  const fr = Math.fround;
  let sum = 0;
  const oa = a * dimension;
  const ob = b * dimension;
  for (let k = 0; k < dimension; k++) {
    const d = fr(points[oa + k] - points[ob + k]);
    sum = fr(sum + fr(d * d));
  }
  return fr(Math.sqrt(sum));
}

/** The enclosing radius of a lower-triangular matrix: min over points of the max distance to the others. */
export function enclosingRadius(n: number, lower: ArrayLike<number>): number {
  if (n <= 1) return 0;
  const rowMax = new Float64Array(n);
  let e = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const d = lower[e++];
      if (d > rowMax[i]) rowMax[i] = d;
      if (d > rowMax[j]) rowMax[j] = d;
    }
  }
  let r = Infinity;
  for (let i = 0; i < n; i++) if (rowMax[i] < r) r = rowMax[i];
  return r;
}

function checkThreshold(threshold: number | undefined): void {
  if (threshold !== undefined && (Number.isNaN(threshold) || threshold < 0)) {
    throw new TdaInputError(`threshold ${threshold} must be a non-negative number`);
  }
}

/**
 * Builds the filtration of any `RipsInput` up to `threshold` (default: the enclosing radius,
 * or ∞ for sparse input). The distances, the rank matrix and the edge list of point clouds
 * and lower-triangular matrices live in `workspace`: the filtration is valid until its next use.
 */
export function buildFiltration(input: RipsInput, threshold?: number, workspace = new Workspace()): Filtration {
  checkThreshold(threshold);
  // Ripser holds the threshold as a 32-bit float too: compare like with like.
  if (threshold !== undefined) threshold = Math.fround(threshold);
  if (Array.isArray(input)) return buildFiltration(pointsFromRows(input), threshold, workspace);
  switch (input.type) {
    case "points":
      return fromPoints(input.points, input.dimension, threshold, workspace);
    case "lower":
      return fromLower(input.n, toFloat32Lower(input.n, input.distances, workspace), threshold, workspace);
    case "sparse":
      return fromSparse(input.n, input.i, input.j, input.d, threshold ?? Infinity);
    default:
      throw new TdaInputError(`unknown input type ${JSON.stringify((input as { type?: unknown }).type)}`);
  }
}

function pointsFromRows(rows: number[][]): RipsInput {
  const dimension = rows.length > 0 ? rows[0].length : 0;
  const points = new Float64Array(rows.length * dimension);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== dimension) {
      throw new TdaInputError(`point ${i} has ${Array.isArray(row) ? row.length : 0} coordinates, point 0 has ${dimension}`);
    }
    points.set(row, i * dimension);
  });
  return { type: "points", points, dimension };
}

function checkFinite(value: number, what: () => string): void {
  if (!Number.isFinite(value)) throw new TdaInputError(`${what()} is ${value}, not a finite number`);
}

function fromPoints(points: ArrayLike<number>, dimension: number, threshold: number | undefined, workspace: Workspace): Filtration {
  if (!Number.isInteger(dimension) || dimension < 1) throw new TdaInputError(`point dimension ${dimension} must be a positive integer`);
  if (points.length % dimension !== 0) throw new TdaInputError(`${points.length} coordinates do not split into points of dimension ${dimension}`);
  const n = points.length / dimension;
  const coords = workspace.float32("coordinates", points.length);
  for (let k = 0; k < points.length; k++) {
    checkFinite(points[k], () => `coordinate ${k % dimension} of point ${Math.floor(k / dimension)}`);
    coords[k] = points[k];
  }
  if (threshold !== undefined && threshold !== Infinity && n > DENSE_MAX_N) {
    // Large cloud with a threshold: keep only the pairs within it.
    const t = Math.fround(threshold);
    const is: number[] = [];
    const js: number[] = [];
    const ds: number[] = [];
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const d = euclideanFloat32(coords, dimension, i, j);
        if (d <= t) {
          is.push(i);
          js.push(j);
          ds.push(d);
        }
      }
    }
    return fromSparse(n, is, js, ds, threshold);
  }
  checkLowerSize(n);
  const lower = workspace.float32("lower", (n * (n - 1)) / 2);
  let e = 0;
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) lower[e++] = euclideanFloat32(coords, dimension, i, j);
  return fromLower(n, lower, threshold, workspace);
}

function checkLowerSize(n: number): void {
  if ((n * (n - 1)) / 2 > MAX_LOWER_ENTRIES) {
    throw new TdaInputError(
      `${n} points need ${(n * (n - 1)) / 2} pairwise distances: too large for memory; give a threshold or a sparse distance matrix`,
    );
  }
}

function toFloat32Lower(n: number, distances: ArrayLike<number>, workspace: Workspace): Float32Array {
  if (!Number.isInteger(n) || n < 0) throw new TdaInputError(`matrix size ${n} must be a non-negative integer`);
  checkLowerSize(n);
  const expected = (n * (n - 1)) / 2;
  if (distances.length !== expected) {
    throw new TdaInputError(`a lower-triangular matrix of ${n} points has ${expected} entries, not ${distances.length}`);
  }
  const lower = workspace.float32("lower", expected);
  let e = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, e++) {
      const d = distances[e];
      checkFinite(d, () => `distance (${i}, ${j})`);
      if (d < 0) throw new TdaInputError(`distance (${i}, ${j}) is negative: ${d}`);
      lower[e] = d + 0; // -0 to +0: ranks sort by bit pattern
    }
  }
  return lower;
}

/** Distinct values ≤ threshold of `lengths`, ascending. */
function distinctSorted(lengths: Float32Array, threshold: number): Float32Array {
  let m = 0;
  const kept = new Float32Array(lengths.length);
  for (let k = 0; k < lengths.length; k++) if (lengths[k] <= threshold) kept[m++] = lengths[k];
  const sorted = kept.subarray(0, m).sort();
  let u = 0;
  for (let k = 0; k < m; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[u++] = sorted[k];
  return sorted.slice(0, u);
}

/** Rank of `value` in the sorted distinct `values` (value is known to be present). */
export function rankOf(values: Float32Array, value: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function fromLower(n: number, lower: Float32Array, threshold: number | undefined, workspace: Workspace): Filtration {
  let min = Infinity;
  let max = -Infinity;
  for (let e = 0; e < lower.length; e++) {
    if (lower[e] < min) min = lower[e];
    if (lower[e] > max) max = lower[e];
  }
  const t = threshold ?? enclosingRadius(n, lower);
  let kept = 0;
  for (let e = 0; e < lower.length; e++) if (lower[e] <= t) kept++;
  // Dense rows are faster to scan than merged neighbour lists unless most pairs are beyond the threshold.
  if (n <= DENSE_MAX_N && kept * 4 >= lower.length) return denseFiltration(n, lower, t, kept, [min, max], workspace);
  const is: number[] = [];
  const js: number[] = [];
  const ds: number[] = [];
  let e = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, e++) {
      if (lower[e] <= t) {
        is.push(i);
        js.push(j);
        ds.push(lower[e]);
      }
    }
  }
  return { ...sparseGraph(n, is, js, Float32Array.from(ds), t), valueRange: [min, max] };
}

function fromSparse(n: number, is: ArrayLike<number>, js: ArrayLike<number>, ds: ArrayLike<number>, threshold: number): Filtration {
  if (!Number.isInteger(n) || n < 0) throw new TdaInputError(`number of points ${n} must be a non-negative integer`);
  if (is.length !== js.length || is.length !== ds.length) throw new TdaInputError(`sparse matrix: i, j and d have different lengths`);
  const keptI: number[] = [];
  const keptJ: number[] = [];
  const keptD: number[] = [];
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < is.length; k++) {
    const i = is[k];
    const j = js[k];
    const d = ds[k];
    if (!Number.isInteger(i) || i < 0 || i >= n || !Number.isInteger(j) || j < 0 || j >= n) {
      throw new TdaInputError(`sparse entry ${k}: (${i}, ${j}) is not a pair of point indices below ${n}`);
    }
    checkFinite(d, () => `sparse entry ${k} (${i}, ${j})`);
    if (d < 0) throw new TdaInputError(`sparse entry ${k} (${i}, ${j}): distance ${d} is negative`);
    if (i === j) continue;
    const f = Math.fround(d);
    if (f < min) min = f;
    if (f > max) max = f;
    if (f <= threshold) {
      keptI.push(i);
      keptJ.push(j);
      keptD.push(f);
    }
  }
  const graph = sparseGraph(n, keptI, keptJ, Float32Array.from(keptD), threshold);
  return { ...graph, valueRange: [min, max] };
}

/**
 * The dense filtration. Edges are ranked by one native sort of packed keys (float bits,
 * which order non-negative floats, then the index reversed), which also leaves them in
 * filtration order; where the keys would not fit in 2^53, by a sort of the distinct
 * values and a counting sort.
 */
function denseFiltration(n: number, lower: Float32Array, t: number, kept: number, valueRange: [number, number], workspace: Workspace): Filtration {
  const bits = new Uint32Array(lower.buffer, lower.byteOffset, lower.length);
  const span = 2 ** Math.ceil(Math.log2(lower.length + 1));
  let maxBits = 0;
  for (let e = 0; e < lower.length; e++) if (lower[e] <= t && bits[e] > maxBits) maxBits = bits[e];
  let values: Float32Array;
  let edges: SimplexList;
  if ((maxBits + 1) * span <= 2 ** 53) {
    const keys = workspace.float64("edgeKeys", kept);
    let m = 0;
    for (let e = 0; e < lower.length; e++) if (lower[e] <= t) keys[m++] = bits[e] * span + (span - 1 - e);
    keys.sort();
    values = workspace.float32("values", kept);
    edges = SimplexList.of(workspace.float64("edgeIndices", kept), workspace.int32("edgeRanks", kept));
    edges.size = 0;
    let distinct = 0;
    let lastBits = -1;
    for (let k = 0; k < kept; k++) {
      const high = Math.floor(keys[k] / span);
      const e = span - 1 - (keys[k] - high * span);
      if (high !== lastBits) {
        values[distinct++] = lower[e];
        lastBits = high;
      }
      edges.push(e, distinct - 1);
    }
    values = values.subarray(0, distinct);
  } else {
    values = distinctSorted(lower, t);
    const byDecreasingIndex = new SimplexList(kept);
    for (let e = lower.length - 1; e >= 0; e--) if (lower[e] <= t) byDecreasingIndex.push(e, rankOf(values, lower[e]));
    edges = sortEdgesByRank(byDecreasingIndex, values.length);
  }
  const distinct = values.length;
  const dense = workspace.int32("ranks", n * n);
  const infinite = distinct;
  // The diagonal and pairs beyond the threshold are infinitely far: a vertex is never its own neighbour.
  dense.fill(infinite);
  for (let k = 0; k < kept; k++) {
    const e = edges.indices[k];
    const i = edgeTop(e);
    const j = e - (i * (i - 1)) / 2;
    dense[i * n + j] = edges.ranks[k];
    dense[j * n + i] = edges.ranks[k];
  }
  return rankMatrixFiltration(n, t, values, infinite, dense, edges, valueRange);
}

/** A filtration over its n×n rank matrix, without neighbour lists: one object shape for every builder. */
export function rankMatrixFiltration(
  n: number,
  threshold: number,
  values: Float32Array,
  infinite: number,
  dense: Int32Array,
  edges: SimplexList,
  valueRange: [number, number],
  edgeEnds?: EdgeEnds,
): Filtration {
  return { n, threshold, values, infinite, dense, offsets: null, neighbors: null, neighborRanks: null, edges, edgeEnds, valueRange };
}

/** CSR neighbour lists, each sorted by decreasing vertex, with edge ranks. */
function sparseGraph(n: number, is: ArrayLike<number>, js: ArrayLike<number>, ds: Float32Array, threshold: number) {
  const values = distinctSorted(ds, Infinity);
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < is.length; k++) {
    offsets[is[k] + 1]++;
    offsets[js[k] + 1]++;
  }
  for (let v = 0; v < n; v++) offsets[v + 1] += offsets[v];
  const fill = offsets.slice(0, n);
  const keys = new Float64Array(offsets[n]);
  for (let k = 0; k < is.length; k++) {
    const r = rankOf(values, ds[k]);
    // Key sorts by vertex; the rank rides along in the low bits.
    keys[fill[is[k]]++] = js[k] * 2 ** 21 + r;
    keys[fill[js[k]]++] = is[k] * 2 ** 21 + r;
  }
  if (values.length >= 2 ** 21 || n >= 2 ** 31) throw new TdaInputError(`sparse matrix too large: ${values.length} distinct distances`);
  const neighbors = new Int32Array(offsets[n]);
  const neighborRanks = new Int32Array(offsets[n]);
  for (let v = 0; v < n; v++) {
    const list = keys.subarray(offsets[v], offsets[v + 1]).sort().reverse();
    for (let k = 0; k < list.length; k++) {
      const key = list[k];
      const u = Math.floor(key / 2 ** 21);
      if (k > 0 && u === neighbors[offsets[v] + k - 1]) {
        throw new TdaInputError(`sparse matrix: the pair (${v}, ${u}) is given twice`);
      }
      neighbors[offsets[v] + k] = u;
      neighborRanks[offsets[v] + k] = key - u * 2 ** 21;
    }
  }
  const byDecreasingIndex = new SimplexList(offsets[n] / 2);
  for (let i = n - 1; i >= 1; i--) {
    const base = (i * (i - 1)) / 2;
    for (let p = offsets[i]; p < offsets[i + 1]; p++) if (neighbors[p] < i) byDecreasingIndex.push(base + neighbors[p], neighborRanks[p]);
  }
  const edges = sortEdgesByRank(byDecreasingIndex, values.length);
  let dense: Int32Array | null = null;
  if (n <= DENSE_MAX_N) {
    dense = new Int32Array(n * n).fill(values.length);
    for (let v = 0; v < n; v++) {
      for (let k = offsets[v]; k < offsets[v + 1]; k++) dense[v * n + neighbors[k]] = neighborRanks[k];
    }
  }
  return { n, threshold, values, infinite: values.length, dense, offsets, neighbors, neighborRanks, edges };
}
