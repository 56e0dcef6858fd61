/**
 * Exact bottleneck distance between persistence diagrams (one homology dimension).
 *
 * d_B(A, B) = min over matchings of the largest L∞ distance a point travels, where a point may
 * also travel to the diagonal (cost: half its persistence).
 *
 * Infinite intervals: when A and B have different numbers of essential classes (death =
 * Infinity) the distance is Infinity. Otherwise the essential classes are sorted by birth and
 * matched in that order, and the largest |birth difference| enters the maximum. gudhi's
 * `bottleneck_distance` follows the same rule for (birth, +inf) points.
 *
 * How: the value is one of the candidate numbers |birth_a − birth_b|, |death_a − death_b| or
 * (death − birth)/2. A lower bound (every point must go somewhere: to its nearest partner or
 * to the diagonal) starts the search; an exponential search then brackets the value; random
 * candidates inside the bracket split it until few remain; those are sorted and bisected.
 * Each probe is a Hopcroft–Karp decision on the geometric graph of edges shorter than r
 * (BottleneckMatcher), warm-started from the previous probe's matching. For the distance
 * alone two cheaper paths come first: points all of one birth (Rips H0) are searched on
 * their line (bottleneck-line-search.ts), and small diagrams have every candidate listed
 * (bottleneck-small.ts); both give the same float.
 */
import type { Interval } from "../types.ts";
import { BottleneckMatcher, lowerBound, upperBound } from "./bottleneck-matcher.ts";
import { LINE_TABLE_LIMIT, lineBottleneck, onOneLine } from "./bottleneck-line.ts";
import { lineDistanceAbove } from "./bottleneck-line-search.ts";
import { SMALL_PAIRS, smallBottleneck } from "./bottleneck-small.ts";
import {
  essentialCountsDiffer,
  essentialPairs,
  prepareDiagram,
  type DistanceWithMatching,
  type MatchedPair,
  type PreparedDiagram,
} from "./prepare.ts";

/** Below this many candidates in the bracket, they are listed and bisected directly. */
const CANDIDATES_TO_LIST = 64;
const PIVOT_SAMPLES = 5;

export function bottleneckDistance(a: readonly Interval[], b: readonly Interval[]): number {
  return bottleneck(a, b, false).distance;
}

/** The bottleneck distance and a matching that attains it. */
export function bottleneckMatching(a: readonly Interval[], b: readonly Interval[]): DistanceWithMatching {
  return bottleneck(a, b, true);
}

/** Without `withMatching` the matching may be left out where finding the distance needs none. */
function bottleneck(a: readonly Interval[], b: readonly Interval[], withMatching: boolean): DistanceWithMatching {
  const prepA = prepareDiagram(a, "first diagram");
  const prepB = prepareDiagram(b, "second diagram");
  if (essentialCountsDiffer(prepA, prepB)) return { distance: Infinity, matching: [] };
  let essentialCost = 0;
  for (let k = 0; k < prepA.essentialBirths.length; k++) {
    essentialCost = Math.max(essentialCost, Math.abs(prepA.essentialBirths[k] - prepB.essentialBirths[k]));
  }
  const finite = finiteBottleneck(prepA, prepB, withMatching);
  return {
    distance: Math.max(finite.distance, essentialCost),
    matching: withMatching ? finite.matching.concat(essentialPairs(prepA, prepB)) : [],
  };
}

interface SortedPoints {
  x: Float64Array;
  y: Float64Array;
  /** Index in the caller's interval list, per sorted point. */
  original: Int32Array;
}

function sortByBirth(prep: PreparedDiagram): SortedPoints {
  const count = prep.births.length;
  const order = new Int32Array(count);
  for (let k = 0; k < count; k++) order[k] = k;
  order.sort((p, q) => prep.births[p] - prep.births[q] || prep.deaths[p] - prep.deaths[q]);
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const original = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    x[k] = prep.births[order[k]];
    y[k] = prep.deaths[order[k]];
    original[k] = prep.finiteIndex[order[k]];
  }
  return { x, y, original };
}

function finiteBottleneck(prepA: PreparedDiagram, prepB: PreparedDiagram, withMatching: boolean): DistanceWithMatching {
  const onLine = onOneLine(prepA.births, prepB.births);
  if (onLine && !withMatching) {
    // The distance alone: a search over sorted deaths, no table.
    const birth = prepA.births.length > 0 ? prepA.births[0] : prepB.births.length > 0 ? prepB.births[0] : 0;
    const distance = lineDistanceAbove(prepA.deaths.slice().sort(), prepA.deaths.length, prepB.deaths.slice().sort(), prepB.deaths.length, birth, -Infinity);
    return { distance, matching: [] };
  }
  if (onLine && (prepA.births.length + 1) * (prepB.births.length + 1) <= LINE_TABLE_LIMIT) {
    const { distance, matching } = lineBottleneck(prepA.births, prepA.deaths, prepB.births, prepB.deaths, withMatching);
    return {
      distance,
      matching: matching.map(([a, b]): MatchedPair => [a < 0 ? -1 : prepA.finiteIndex[a], b < 0 ? -1 : prepB.finiteIndex[b]]),
    };
  }
  if (!withMatching && prepA.births.length * prepB.births.length <= SMALL_PAIRS) {
    return { distance: smallBottleneck(prepA.births, prepA.deaths, prepB.births, prepB.deaths), matching: [] };
  }
  const A = sortByBirth(prepA);
  const B = sortByBirth(prepB);
  const n = A.x.length;
  const m = B.x.length;
  if (n === 0 && m === 0) return { distance: 0, matching: [] };
  const matcher = new BottleneckMatcher(A.x, A.y, B.x, B.y);
  const candidates = new CandidateSet(A, B);
  const radius = searchSmallestFeasible(matcher, candidates, lowerBoundOfDistance(A, B), candidates.largestHalf());

  if (!matcher.feasible(radius)) throw new Error("bottleneck: the final radius is not feasible (internal error)");
  const matching: MatchedPair[] = [];
  let distance = 0;
  for (let u = 0; u < n + m; u++) {
    const v = matcher.mateLeft[u];
    if (u < n && v < m) {
      distance = Math.max(distance, matcher.pointCost(u, v));
      matching.push([A.original[u], B.original[v]]);
    } else if (u < n) {
      distance = Math.max(distance, matcher.halfPersistenceA(u));
      matching.push([A.original[u], -1]);
    } else if (v < m) {
      distance = Math.max(distance, matcher.halfPersistenceB(v));
      matching.push([-1, B.original[v]]);
    }
  }
  return { distance, matching };
}

/** The smallest candidate r with a perfect matching within r. */
function searchSmallestFeasible(matcher: BottleneckMatcher, candidates: CandidateSet, lowest: number, highest: number): number {
  if (lowest >= highest || matcher.feasible(lowest)) return lowest;
  // Bracket the value from below: large radii make dense graphs, so approach from the bottom.
  let infeasible = lowest;
  let feasible = highest;
  let step = Math.max(lowest / 4, (highest - lowest) / 4096);
  for (;;) {
    const r = lowest + step;
    if (r >= highest) break;
    if (matcher.feasible(r)) {
      feasible = r;
      break;
    }
    infeasible = r;
    step *= 2;
  }
  const random = new SplitMix(0x5eed);
  for (;;) {
    const count = candidates.count(infeasible, feasible);
    if (count <= CANDIDATES_TO_LIST) break;
    const samples: number[] = [];
    for (let s = 0; s < PIVOT_SAMPLES; s++) samples.push(candidates.sample(count, random));
    samples.sort((p, q) => p - q);
    const pivot = samples[PIVOT_SAMPLES >> 1];
    if (!(pivot > infeasible && pivot < feasible)) break;
    if (matcher.feasible(pivot)) feasible = pivot;
    else infeasible = pivot;
  }
  const listed = candidates.list(infeasible, feasible);
  // The largest candidate ≤ feasible is feasible: a matching within `feasible` has its
  // longest edge among the candidates.
  let lo = -1;
  let hi = listed.length - 1;
  if (hi < 0) return feasible;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (matcher.feasible(listed[mid])) hi = mid;
    else lo = mid;
  }
  return listed[hi];
}

/**
 * max over all points of the cheapest place it can go (nearest point of the other diagram, or
 * the diagonal): no matching does better, and it is itself a candidate value.
 */
function lowerBoundOfDistance(A: SortedPoints, B: SortedPoints): number {
  let bound = 0;
  for (let i = 0; i < A.x.length; i++) bound = Math.max(bound, cheapestDestination(A.x[i], A.y[i], B, bound));
  for (let j = 0; j < B.x.length; j++) bound = Math.max(bound, cheapestDestination(B.x[j], B.y[j], A, bound));
  return bound;
}

/** min(half persistence, nearest L∞ distance into `other`); stops early once below `enough`. */
function cheapestDestination(x: number, y: number, other: SortedPoints, enough: number): number {
  let best = (y - x) / 2;
  const start = lowerBound(other.x, x);
  for (let j = start; j < other.x.length && other.x[j] - x < best; j++) {
    best = Math.min(best, Math.max(other.x[j] - x, Math.abs(other.y[j] - y)));
    if (best <= enough) return best;
  }
  for (let j = start - 1; j >= 0 && x - other.x[j] < best; j--) {
    best = Math.min(best, Math.max(x - other.x[j], Math.abs(other.y[j] - y)));
    if (best <= enough) return best;
  }
  return best;
}

/**
 * The numbers the bottleneck distance can take: |Δbirth| and |Δdeath| over all cross pairs,
 * and every half persistence; counted, sampled and listed inside a bracket (lo, hi] without
 * building the n·m list.
 */
class CandidateSet {
  private readonly ax: Float64Array;
  private readonly bx: Float64Array;
  private readonly ay: Float64Array;
  private readonly by: Float64Array;
  private readonly halves: Float64Array;
  private readonly pairSets: Array<[Float64Array, Float64Array]>;
  private readonly segmentFirst: Int32Array;
  private readonly segmentEndCount: Float64Array;
  private halfStart = 0;
  private halfCount = 0;

  constructor(A: SortedPoints, B: SortedPoints) {
    this.ax = A.x;
    this.bx = B.x;
    this.ay = Float64Array.from(A.y).sort();
    this.by = Float64Array.from(B.y).sort();
    const halves = new Float64Array(A.x.length + B.x.length);
    for (let i = 0; i < A.x.length; i++) halves[i] = (A.y[i] - A.x[i]) / 2;
    for (let j = 0; j < B.x.length; j++) halves[A.x.length + j] = (B.y[j] - B.x[j]) / 2;
    this.halves = halves.sort();
    this.pairSets = [[this.ax, this.bx], [this.ay, this.by]];
    this.segmentFirst = new Int32Array(4 * A.x.length);
    this.segmentEndCount = new Float64Array(4 * A.x.length);
  }

  largestHalf(): number {
    return this.halves.length === 0 ? 0 : this.halves[this.halves.length - 1];
  }

  /**
   * Counts the candidates in (lo, hi] and remembers, per row of each pair set, the index range
   * they occupy, so that `sample` can draw from them without another sweep.
   */
  count(lo: number, hi: number): number {
    this.halfStart = upperBound(this.halves, lo);
    let total = upperBound(this.halves, hi) - this.halfStart;
    this.halfCount = total;
    let segment = 0;
    for (const [xs, ys] of this.pairSets) {
      // xs is sorted, so the four window ends only move right: one merge-like pass per set.
      let belowStart = 0;
      let belowEnd = 0;
      let aboveStart = 0;
      let aboveEnd = 0;
      const size = ys.length;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        // Below x: ys in [x − hi, x − lo); above x: ys in (x + lo, x + hi].
        while (belowStart < size && ys[belowStart] < x - hi) belowStart++;
        while (belowEnd < size && ys[belowEnd] < x - lo) belowEnd++;
        while (aboveStart < size && ys[aboveStart] <= x + lo) aboveStart++;
        while (aboveEnd < size && ys[aboveEnd] <= x + hi) aboveEnd++;
        this.segmentFirst[segment] = belowStart;
        total += belowEnd - belowStart;
        this.segmentEndCount[segment++] = total;
        this.segmentFirst[segment] = aboveStart;
        total += aboveEnd - aboveStart;
        this.segmentEndCount[segment++] = total;
      }
    }
    return total;
  }

  /** A candidate drawn uniformly from those the last `count(lo, hi)` found (`total` of them). */
  sample(total: number, random: SplitMix): number {
    const t = Math.floor(random.next() * total);
    if (t < this.halfCount) return this.halves[this.halfStart + t];
    // The segment holding the t-th candidate: first one whose running count exceeds t.
    let lo = 0;
    let hi = this.segmentEndCount.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segmentEndCount[mid] > t) hi = mid;
      else lo = mid + 1;
    }
    const before = lo === 0 ? this.halfCount : this.segmentEndCount[lo - 1];
    const rowsPerSet = this.ax.length;
    const set = lo >= 2 * rowsPerSet ? 1 : 0;
    const row = (lo >> 1) - set * rowsPerSet;
    const [xs, ys] = this.pairSets[set];
    const y = ys[this.segmentFirst[lo] + (t - before)];
    return Math.abs(xs[row] - y);
  }

  /** Every distinct candidate in (lo, hi], ascending. Index windows are widened and the exact values filtered. */
  list(lo: number, hi: number): Float64Array {
    const values: number[] = [];
    for (let k = upperBound(this.halves, lo); k < this.halves.length && this.halves[k] <= hi; k++) values.push(this.halves[k]);
    for (const [xs, ys] of this.pairSets) {
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        const slack = 1e-12 * (Math.abs(x) + hi) + Number.MIN_VALUE;
        for (let j = lowerBound(ys, x - hi - slack); j < ys.length && ys[j] <= x + hi + slack; j++) {
          const d = Math.abs(x - ys[j]);
          if (d > lo && d <= hi) values.push(d);
        }
      }
    }
    const sorted = Float64Array.from(values).sort();
    let unique = 0;
    for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[unique - 1]) sorted[unique++] = sorted[k];
    return sorted.subarray(0, unique);
  }
}

/** A small deterministic generator, so the same input always takes the same search path. */
class SplitMix {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }
}
