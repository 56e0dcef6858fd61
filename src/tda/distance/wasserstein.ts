/**
 * Wasserstein distance W_{p,q} between persistence diagrams (one homology dimension):
 *
 *   W_{p,q}(A, B) = ( min over matchings Σ ‖a − b‖_q^p )^{1/p},
 *
 * where a point may also be matched to the diagonal at the cost of its q-distance to it,
 * ((d − b)·2^{1/q − 1})^p. p ≥ 1; q ≥ 1 or Infinity (the usual choices are 2 and ∞).
 * Same definition as gudhi's `wasserstein_distance(A, B, order=p, internal_p=q)`.
 *
 * Infinite intervals: different numbers of essential classes (death = Infinity) make the
 * distance Infinity. Equal numbers are sorted by birth and matched in that order, each pair
 * adding |b − b'|^p to the sum before the p-th root; gudhi does the same with its default
 * keep_essential_parts=True.
 *
 * How, exactly and without an n×m cost matrix:
 * - Pairing a with b only pays when it is cheaper than sending both to the diagonal, so the
 *   problem becomes an assignment of A's points to B's points or to a private "diagonal"
 *   column, with reduced cost c(a, b) − δ(a) − δ(b) (δ: cost to the diagonal); only pairs
 *   with a negative reduced cost are ever worth an edge.
 * - Those pairs lie within a max-norm box around a whose size depends on δ(b); B is split
 *   into bands of similar δ, each sorted by birth (or by death when births bunch up), so a
 *   sweep per band finds them. Of them each point keeps its nearest few partners by ground
 *   cost c (geometric pruning in Hera's spirit, with boxes instead of a k-d tree). Nearest
 *   by c, not by reduced cost: the reduced cost favours far, long-lived partners, which the
 *   optimum rarely uses. Each point of A also gets the few points of B around its own
 *   quantile along the coordinate both diagrams spread most in (addRankPartners).
 * - Round one solves that sparse assignment exactly (bidding, then successive shortest
 *   paths) and leaves dual prices. A certificate pass checks the prices against every pair
 *   that could violate them: with v the column prices, a pair can only do so when
 *   c(a_i, b_j) < u_i + δ(a_i) + δ(b_j) + v_j, so B is banded again by δ(b) + v and each
 *   band's box is only as wide as its largest δ(b) + v. The worst few violated pairs per row
 *   join the graph. When no pair violates them, the prices prove the assignment optimal for
 *   the full problem (LP duality), not just for the sparse one.
 * - Later rounds do not start over: the assignment moves to the square form
 *   (pooled-assignment.ts), where the rows whose new edges break their potential are freed
 *   and re-placed by shortest paths from the prices already there.
 *
 * Speed: about 30–60 ms for 1,000 points against 1,000 on each benchmark kind (see
 * docs/diagram-distances.md).
 */
import type { Interval } from "../types.ts";
import { lowerBound } from "./bottleneck-matcher.ts";
import { GroundCost } from "./ground-cost.ts";
import {
  essentialCountsDiffer,
  essentialPairs,
  prepareDiagram,
  type DistanceWithMatching,
  type MatchedPair,
  type PreparedDiagram,
} from "./prepare.ts";
import { PooledAssignment } from "./pooled-assignment.ts";
import { solveSparseAssignment, type Assignment, type SparseGraph } from "./sparse-assignment.ts";

export interface WassersteinOptions {
  /** p ≥ 1, the exponent (default 1, as gudhi). */
  order?: number;
  /** q, the norm on the plane: 2, Infinity (default, as gudhi) or any number ≥ 1. */
  internalP?: number;
}

/** Best partners each point keeps in the first sparse graph; the certificate adds any it missed. */
const PARTNERS_PER_POINT = 12;
/** B points offered to each A point around its own quantile (see addRankPartners). */
const RANK_WINDOW = 3;
/** Violated pairs added per row and round: all of them would make the first rounds dense. */
const VIOLATIONS_PER_ROW = 8;

export function wassersteinDistance(a: readonly Interval[], b: readonly Interval[], options: WassersteinOptions = {}): number {
  return wassersteinMatching(a, b, options).distance;
}

/** The Wasserstein distance and an optimal matching. */
export function wassersteinMatching(
  a: readonly Interval[],
  b: readonly Interval[],
  options: WassersteinOptions = {},
): DistanceWithMatching {
  const ground = new GroundCost(options.order ?? 1, options.internalP ?? Infinity);
  const prepA = prepareDiagram(a, "first diagram");
  const prepB = prepareDiagram(b, "second diagram");
  if (essentialCountsDiffer(prepA, prepB)) return { distance: Infinity, matching: [] };
  let essentialTotal = 0;
  for (let k = 0; k < prepA.essentialBirths.length; k++) {
    essentialTotal += ground.essential(prepA.essentialBirths[k], prepB.essentialBirths[k]);
  }
  const finite = finiteWasserstein(prepA, prepB, ground);
  return {
    distance: ground.root(finite.total + essentialTotal),
    matching: finite.matching.concat(essentialPairs(prepA, prepB)),
  };
}

interface Problem {
  n: number;
  m: number;
  ax: Float64Array;
  ay: Float64Array;
  /** B sorted by birth. */
  bx: Float64Array;
  by: Float64Array;
  bOriginal: Int32Array;
  diagonalA: Float64Array;
  diagonalB: Float64Array;
  ground: GroundCost;
  /** B split by diagonal cost into bands, each sorted by birth (see sweepPairs). */
  bands: PersistenceBand[];
}

interface PersistenceBand {
  /** Largest value (see makeBands) in the band. */
  bound: number;
  /** Indices into the sorted B, ascending by the band's sweep coordinate. */
  members: Int32Array;
  /** The sweep coordinate of each member: death when deaths spread wider than births, else birth. */
  keys: Float64Array;
  byDeath: boolean;
}

/** Each band holds diagonal costs within a factor BAND_RATIO of the band above. */
const BAND_RATIO = 4;
const BAND_COUNT = 8;

function finiteWasserstein(
  prepA: PreparedDiagram,
  prepB: PreparedDiagram,
  ground: GroundCost,
): { total: number; matching: MatchedPair[] } {
  const problem = makeProblem(prepA, prepB, ground);
  const { n, m } = problem;
  const extra: number[] = [];
  addRankPartners(problem, extra);
  const partners = bestPartners(problem);
  let graph = buildGraph(problem, partners, extra);
  // Round one solves the sparse graph from scratch (bidding, then shortest paths); later
  // rounds keep its assignment and prices in the square form and only re-place the rows
  // whose new edges their prices violate.
  let assignment: Assignment | PooledAssignment = solveSparseAssignment(graph);
  let pooled: PooledAssignment | null = null;
  for (;;) {
    // Edges already in the graph can only look violated by rounding: they are not added
    // again, so every round adds a new pair and the loop ends.
    const before = extra.length;
    collectViolations(problem, assignment, graph, extra);
    if (extra.length === before) break;
    pooled ??= new PooledAssignment(n, m, assignment);
    assignment = pooled;
    for (let e = before; e < extra.length; e += 2) pooled.free(extra[e]);
    graph = buildGraph(problem, partners, extra);
    pooled.augment(graph);
  }
  // The total is summed from the matching's own costs (all ≥ 0), not from reduced costs,
  // so nearly equal diagrams keep their relative precision.
  let total = 0;
  const matching: MatchedPair[] = [];
  for (let i = 0; i < n; i++) {
    const j = assignment.columnOfRow[i];
    if (j < m) {
      total += ground.between(problem.ax[i] - problem.bx[j], problem.ay[i] - problem.by[j]);
      matching.push([prepA.finiteIndex[i], problem.bOriginal[j]]);
    } else {
      total += problem.diagonalA[i];
      matching.push([prepA.finiteIndex[i], -1]);
    }
  }
  for (let j = 0; j < m; j++) {
    const holder = assignment.rowOfColumn[j];
    if (holder < 0 || holder >= n) {
      total += problem.diagonalB[j];
      matching.push([-1, problem.bOriginal[j]]);
    }
  }
  return { total, matching };
}

function makeProblem(prepA: PreparedDiagram, prepB: PreparedDiagram, ground: GroundCost): Problem {
  const n = prepA.births.length;
  const m = prepB.births.length;
  const order = new Int32Array(m);
  for (let j = 0; j < m; j++) order[j] = j;
  order.sort((p, q) => prepB.births[p] - prepB.births[q]);
  const bx = new Float64Array(m);
  const by = new Float64Array(m);
  const bOriginal = new Int32Array(m);
  const diagonalB = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    bx[j] = prepB.births[order[j]];
    by[j] = prepB.deaths[order[j]];
    bOriginal[j] = prepB.finiteIndex[order[j]];
    diagonalB[j] = ground.toDiagonal(bx[j], by[j]);
  }
  const diagonalA = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonalA[i] = ground.toDiagonal(prepA.births[i], prepA.deaths[i]);
  const bands = makeBands(diagonalB, bx, by);
  return { n, m, ax: prepA.births, ay: prepA.deaths, bx, by, bOriginal, diagonalA, diagonalB, ground, bands };
}

/**
 * Most diagram points sit near the diagonal; a point b can only pay off with a when
 * c(a, b) < δ(a) + δ(b) (+ a dual bound), so the box to search is much smaller for the
 * low-persistence bands than the largest δ(B) would make it. `value` is what bounds b's
 * reach: δ(b) for the first graph, δ(b) + price(b) for a certificate.
 */
function makeBands(value: Float64Array, bx: Float64Array, by: Float64Array): PersistenceBand[] {
  let top = 0;
  for (let j = 0; j < value.length; j++) top = Math.max(top, value[j]);
  const bandOf = new Int32Array(value.length);
  const sizes = new Int32Array(BAND_COUNT);
  for (let j = 0; j < value.length; j++) {
    let band = 0;
    let ceiling = top;
    while (band < BAND_COUNT - 1 && value[j] <= ceiling / BAND_RATIO) {
      ceiling /= BAND_RATIO;
      band++;
    }
    bandOf[j] = band;
    sizes[band]++;
  }
  const bands: PersistenceBand[] = [];
  for (let band = 0; band < BAND_COUNT; band++) {
    const members = new Int32Array(sizes[band]);
    let count = 0;
    let bound = -Infinity;
    for (let j = 0; j < value.length; j++) {
      if (bandOf[j] === band) {
        members[count++] = j;
        bound = Math.max(bound, value[j]);
      }
    }
    if (count > 0) bands.push(sweepOrder(bound, members, bx, by));
  }
  return bands;
}

/**
 * A band is swept along the coordinate its points spread most in: birth for most diagrams,
 * death when births bunch up (all of a Rips H0 diagram is born at 0, and a sweep by birth
 * would visit every pair).
 */
function sweepOrder(bound: number, members: Int32Array, bx: Float64Array, by: Float64Array): PersistenceBand {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const j of members) {
    minX = Math.min(minX, bx[j]);
    maxX = Math.max(maxX, bx[j]);
    minY = Math.min(minY, by[j]);
    maxY = Math.max(maxY, by[j]);
  }
  const byDeath = maxY - minY > maxX - minX;
  const coordinate = byDeath ? by : bx;
  if (byDeath) members.sort((p, q) => by[p] - by[q]);
  const keys = new Float64Array(members.length);
  for (let t = 0; t < members.length; t++) keys[t] = coordinate[members[t]];
  return { bound, members, keys, byDeath };
}

/**
 * Calls visit(i, j, reducedCost) for every pair whose cost c(a_i, b_j) could be below
 * `bound(i) + δ(a_i) + δ(b_j)`: B points outside the max-norm box of that reach are skipped.
 */
function sweepPairs(
  problem: Problem,
  bands: PersistenceBand[],
  rowBound: Float64Array,
  visit: (i: number, j: number, reduced: number) => void,
): void {
  const { n, ax, ay, bx, by, diagonalA, diagonalB, ground } = problem;
  for (let i = 0; i < n; i++) {
    const x = ax[i];
    const y = ay[i];
    for (const band of bands) {
      const reach = ground.maxNormReach(rowBound[i] + diagonalA[i] + band.bound);
      if (reach <= 0) continue;
      const { members, keys } = band;
      const key = band.byDeath ? y : x;
      for (let t = lowerBound(keys, key - reach); t < keys.length && keys[t] <= key + reach; t++) {
        const j = members[t];
        const dx = x - bx[j];
        const dy = y - by[j];
        if (dx > reach || dx < -reach || dy > reach || dy < -reach) continue;
        visit(i, j, ground.between(dx, dy) - diagonalA[i] - diagonalB[j]);
      }
    }
  }
}

/**
 * Partners by rank: A and B each sorted along the coordinate both spread most in (death for
 * most diagrams), and each point of A offered the B points of about its own quantile. On a
 * line (every bar born at 0) the optimal matching is the sorted one and its partners can be
 * dozens of ranks apart, out of reach of the nearest neighbours; elsewhere the same edges
 * carry the long shifts that a local surplus of points forces. Only pairs with a negative
 * reduced cost are kept.
 */
function addRankPartners(problem: Problem, extra: number[]): void {
  const { n, m, ax, ay, bx, by } = problem;
  if (n === 0 || m === 0) return;
  const spread = (values: Float64Array) => {
    let low = Infinity;
    let high = -Infinity;
    for (const v of values) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    return high - low;
  };
  const byDeath = Math.max(spread(ay), spread(by)) >= Math.max(spread(ax), spread(bx));
  const keyA = byDeath ? ay : ax;
  const keyB = byDeath ? by : bx;
  const orderA = Int32Array.from({ length: n }, (_, i) => i).sort((p, q) => keyA[p] - keyA[q]);
  const orderB = Int32Array.from({ length: m }, (_, j) => j).sort((p, q) => keyB[p] - keyB[q]);
  for (let r = 0; r < n; r++) {
    const i = orderA[r];
    const center = Math.round(((r + 0.5) * m) / n - 0.5);
    for (let t = Math.max(0, center - RANK_WINDOW); t <= Math.min(m - 1, center + RANK_WINDOW); t++) {
      const j = orderB[t];
      if (reducedCost(problem, i, j) < 0) extra.push(i, j);
    }
  }
}

interface Partners {
  rowBest: BestList;
  columnBest: BestList;
}

/** Each point's nearest partners by ground cost among the pairs with a negative reduced cost. */
function bestPartners(problem: Problem): Partners {
  const rowBest = new BestList(problem.n, PARTNERS_PER_POINT);
  const columnBest = new BestList(problem.m, PARTNERS_PER_POINT);
  sweepPairs(problem, problem.bands, new Float64Array(problem.n), (i, j, reduced) => {
    if (reduced < 0) {
      const cost = reduced + problem.diagonalA[i] + problem.diagonalB[j];
      rowBest.offer(i, j, cost);
      columnBest.offer(j, i, cost);
    }
  });
  return { rowBest, columnBest };
}

/** The sparse graph: the best partners, the extra edges, and each row's diagonal column m + i. */
function buildGraph(problem: Problem, { rowBest, columnBest }: Partners, extra: number[]): SparseGraph {
  const { n, m } = problem;
  const k = PARTNERS_PER_POINT;
  // Gather per row: own best, the columns that chose this row, extra edges.
  const lists: number[][] = Array.from({ length: n }, () => []);
  const costs: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < rowBest.count[i]; t++) {
      lists[i].push(rowBest.item[i * k + t]);
      costs[i].push(reducedCost(problem, i, rowBest.item[i * k + t]));
    }
  }
  for (let j = 0; j < m; j++) {
    for (let t = 0; t < columnBest.count[j]; t++) {
      const i = columnBest.item[j * k + t];
      lists[i].push(j);
      costs[i].push(reducedCost(problem, i, j));
    }
  }
  for (let e = 0; e < extra.length; e += 2) {
    const i = extra[e];
    const j = extra[e + 1];
    lists[i].push(j);
    costs[i].push(reducedCost(problem, i, j));
  }
  const rowStart = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) total += lists[i].length + 1;
  const column = new Int32Array(total);
  const cost = new Float64Array(total);
  const seen = new Int32Array(m).fill(-1);
  let e = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = e;
    for (let t = 0; t < lists[i].length; t++) {
      const j = lists[i][t];
      if (seen[j] === i) continue;
      seen[j] = i;
      column[e] = j;
      cost[e++] = costs[i][t];
    }
    column[e] = m + i;
    cost[e++] = 0;
  }
  rowStart[n] = e;
  return { rows: n, columns: m + n, rowStart, column: column.subarray(0, e), cost: cost.subarray(0, e) };
}

function reducedCost(problem: Problem, i: number, j: number): number {
  const { ax, ay, bx, by, diagonalA, diagonalB, ground } = problem;
  return ground.between(ax[i] - bx[j], ay[i] - by[j]) - diagonalA[i] - diagonalB[j];
}

/**
 * Dual feasibility on the full problem: u_i + v_j ≤ reduced(i, j) for every pair, where v
 * are the column prices (≤ 0) and u_i = (cost of row i's edge) − v(its column). Pairs that
 * break it, beyond rounding, are appended to `extra`. Since v ≤ 0, a pair can only break it
 * if c(a_i, b_j) < u_i + δ(a_i) + δ(b_j), which bounds the sweep's box.
 */
function collectViolations(problem: Problem, assignment: Assignment | PooledAssignment, graph: SparseGraph, extra: number[]): void {
  const { n, m, diagonalB, bx, by } = problem;
  const { columnOfRow, costOfRow, price } = assignment;
  const { rowStart, column } = graph;
  const rowPotential = new Float64Array(n);
  for (let i = 0; i < n; i++) rowPotential[i] = costOfRow[i] - price[columnOfRow[i]];
  // Bands by δ(b) + price(b), the column's share of the bound: tighter than δ(b) alone.
  const columnBound = new Float64Array(m);
  for (let j = 0; j < m; j++) columnBound[j] = diagonalB[j] + price[j];
  const worst = new BestList(n, VIOLATIONS_PER_ROW);
  sweepPairs(problem, makeBands(columnBound, bx, by), rowPotential, (i, j, reduced) => {
    const bound = rowPotential[i] + price[j];
    if (reduced < bound - 1e-12 * (Math.abs(rowPotential[i]) + Math.abs(price[j]) + Math.abs(reduced))) {
      // An edge already in the graph can only look violated by rounding.
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) if (column[e] === j) return;
      worst.offer(i, j, reduced - bound);
    }
  });
  for (let i = 0; i < n; i++) for (let t = 0; t < worst.count[i]; t++) extra.push(i, worst.item[i * VIOLATIONS_PER_ROW + t]);
}

/** For each owner, the k items of smallest value seen so far, in flat typed arrays. */
class BestList {
  readonly count: Int32Array;
  readonly item: Int32Array;
  readonly value: Float64Array;
  private readonly k: number;

  constructor(owners: number, k: number) {
    this.k = k;
    this.count = new Int32Array(owners);
    this.item = new Int32Array(owners * k);
    this.value = new Float64Array(owners * k);
  }

  offer(owner: number, item: number, value: number): void {
    const base = owner * this.k;
    let size = this.count[owner];
    if (size === this.k) {
      if (value >= this.value[base + size - 1]) return;
      size--;
    } else {
      this.count[owner] = size + 1;
    }
    let t = base + size;
    while (t > base && this.value[t - 1] > value) {
      this.value[t] = this.value[t - 1];
      this.item[t] = this.item[t - 1];
      t--;
    }
    this.value[t] = value;
    this.item[t] = item;
  }
}
