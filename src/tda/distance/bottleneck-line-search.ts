/**
 * Bottleneck distance between diagrams whose points all share one birth (Rips H0), by a
 * search over the candidate values with a linear decision, instead of lineBottleneck's table
 * over all pairs: O((n + m) log(n + m)) typically, and no allocation once its buffers have
 * grown.
 *
 * The decision at radius r: a point whose half persistence exceeds r must be paired with a
 * point of the other diagram within r; any other point may go to the diagonal. On a line each
 * point's possible partners form a run of the other sorted list whose ends move right with
 * the point, so the points of A that must be paired can be matched greedily, ascending, each
 * to the first free point of B in its run; and likewise B's into A. If both succeed, one
 * matching serves both sides at once (Mendelsohn–Dulmage), so the two greedy passes decide r.
 *
 * The search: the smallest feasible half persistence h brackets the value in (h', h], h' the
 * half before it. Inside the bracket the value is a pair difference |a − b|; those are
 * counted by sweeping windows, narrowed by sampled pivots while many, then listed and
 * bisected. Every cost is computed with the expression lineBottleneck and the general matcher
 * use, and the value is the least feasible candidate, so all give the same float.
 */
import type { Interval } from "../types.ts";

/** Above this many candidates in the bracket (plus the points' count), pivots narrow it first. */
const CANDIDATES_TO_LIST = 64;

let deathsA = new Float64Array(0);
let deathsB = new Float64Array(0);
let halves = new Float64Array(0);
let listed = new Float64Array(0);
/** Per row of A, two windows of B (below and above the row's death): first index, and the running count at the window's end. */
let windowFirst = new Int32Array(0);
let windowEndCount = new Float64Array(0);
let sampleState = 0;

/**
 * max(floor, d_B(a, b)) for lists of intervals all born at one value, with the finite ones
 * first by death ascending and equally many essential ones after them, as sortedMatchingBound
 * accepts (call it first: given other lists the result is meaningless). A floor the distance
 * does not exceed is decided by one linear pass: a caller after the largest distance over
 * several dimensions passes the largest so far.
 */
export function sortedLineBottleneck(a: readonly Interval[], b: readonly Interval[], floor = -Infinity): number {
  const birth = a.length > 0 ? a[0][0] : b.length > 0 ? b[0][0] : 0;
  let n = 0;
  let m = 0;
  while (n < a.length && a[n][1] !== Infinity) n++;
  while (m < b.length && b[m][1] !== Infinity) m++;
  ensureCapacity(n, m);
  for (let i = 0; i < n; i++) deathsA[i] = a[i][1];
  for (let j = 0; j < m; j++) deathsB[j] = b[j][1];
  // Essential classes, all of one birth, cost |birth − birth| = 0.
  return Math.max(floor, 0, lineDistanceAbove(deathsA, n, deathsB, m, birth, floor));
}

/**
 * d_B between the finite points (birth, deathsA[i]) and (birth, deathsB[j]), deaths ascending;
 * when it is at most `floor`, any value ≤ floor. The arrays may be longer than n and m.
 * `listAtMost`: pivots narrow the bracket until it holds no more candidates than this.
 */
export function lineDistanceAbove(
  a: Float64Array,
  n: number,
  b: Float64Array,
  m: number,
  birth: number,
  floor: number,
  listAtMost = CANDIDATES_TO_LIST + n + m,
): number {
  if (n === 0 && m === 0) return 0;
  if (floor >= 0 && feasible(a, n, b, m, birth, floor)) return floor;
  // Pairing in sorted order is a matching, often an optimal one: then nothing below its cost is feasible.
  const inOrder = sortedPairingCost(a, n, b, m, birth);
  if (inOrder <= floor) return floor;
  if (inOrder === 0 || !feasible(a, n, b, m, birth, nextBelow(inOrder))) return inOrder;
  if (halves.length < n + m) halves = new Float64Array(Math.max(n + m, 2 * halves.length));
  mergeHalves(a, n, b, m, birth);
  ensureWindows(n);
  // The largest half persistence is feasible (everything to the diagonal): find the least feasible one above the floor.
  let lo = upperBound(halves, n + m, floor) - 1;
  let hi = n + m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (feasible(a, n, b, m, birth, halves[mid])) hi = mid;
    else lo = mid;
  }
  const feasibleHalf = halves[hi];
  // Both are infeasible: the floor, and the half before the least feasible one.
  let below = lo >= 0 ? Math.max(halves[lo], floor) : floor;
  let above = feasibleHalf;
  sampleState = 0x5eed;
  for (;;) {
    const count = countPairs(a, n, b, m, below, above);
    if (count <= listAtMost) break;
    const pivot = samplePair(a, n, b, count);
    if (!(pivot > below && pivot < above)) break;
    if (feasible(a, n, b, m, birth, pivot)) above = pivot;
    else below = pivot;
  }
  const unique = listPairs(a, n, b, m, below, above);
  // The least feasible listed value, else `above` (feasible, and the last candidate before it is listed).
  let l = -1;
  let h = unique;
  while (h - l > 1) {
    const mid = (l + h) >>> 1;
    if (feasible(a, n, b, m, birth, listed[mid])) h = mid;
    else l = mid;
  }
  return h < unique ? listed[h] : above;
}

/** The cost of pairing the longest of each with the longest of the other and so on down, the rest to the diagonal. */
function sortedPairingCost(a: Float64Array, n: number, b: Float64Array, m: number, birth: number): number {
  let cost = 0;
  let i = n - 1;
  let j = m - 1;
  for (; i >= 0 && j >= 0; i--, j--) cost = Math.max(cost, Math.abs(a[i] - b[j]));
  for (; i >= 0; i--) cost = Math.max(cost, (a[i] - birth) / 2);
  for (; j >= 0; j--) cost = Math.max(cost, (b[j] - birth) / 2);
  return cost;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index of the low 32 bits of a double in `words`: 0 on little-endian machines. */
const LOW = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/** The largest double below a positive finite x: feasible there means feasible below x. */
function nextBelow(x: number): number {
  bits[0] = x;
  if (words[LOW] === 0) {
    words[1 - LOW]--;
    words[LOW] = 0xffffffff;
  } else {
    words[LOW]--;
  }
  return bits[0];
}

/** Whether a matching within r exists: every point whose half persistence exceeds r paired within r. */
function feasible(a: Float64Array, n: number, b: Float64Array, m: number, birth: number, r: number): boolean {
  return pairsEveryLong(a, n, b, m, birth, r) && pairsEveryLong(b, m, a, n, birth, r);
}

/**
 * Whether every point of `from` with half persistence above r gets its own point of `to`
 * within r, greedily. |x − y| is the same float whichever side is subtracted from which.
 */
function pairsEveryLong(from: Float64Array, count: number, to: Float64Array, size: number, birth: number, r: number): boolean {
  let i = 0;
  while (i < count && (from[i] - birth) / 2 <= r) i++;
  let p = 0;
  for (; i < count; i++) {
    const x = from[i];
    // Points of `to` too far below x are too far below every later point as well.
    while (p < size && x - to[p] > r) p++;
    if (p >= size || !(Math.abs(x - to[p]) <= r)) return false;
    p++;
  }
  return true;
}

function mergeHalves(a: Float64Array, n: number, b: Float64Array, m: number, birth: number): void {
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < n && j < m) halves[k++] = a[i] <= b[j] ? (a[i++] - birth) / 2 : (b[j++] - birth) / 2;
  while (i < n) halves[k++] = (a[i++] - birth) / 2;
  while (j < m) halves[k++] = (b[j++] - birth) / 2;
}

/** First index of sorted values[0..length) above x. */
function upperBound(values: Float64Array, length: number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts the pairs with |a_i − b_j| in (below, above), computed as a_i − b_j: per row i, the
 * j with a difference in [0, above) ∩ (below, ∞) and those in (−above, 0) ∩ (−∞, −below). The
 * difference falls as j rises, so each window is a run, and its ends only move right with i.
 * Remembers the windows for samplePair.
 */
function countPairs(a: Float64Array, n: number, b: Float64Array, m: number, below: number, above: number): number {
  let total = 0;
  let belowStart = 0;
  let belowEnd = 0;
  let aboveStart = 0;
  let aboveEnd = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    while (belowStart < m && !(x - b[belowStart] < above)) belowStart++;
    if (belowEnd < belowStart) belowEnd = belowStart;
    while (belowEnd < m && x - b[belowEnd] > below && x - b[belowEnd] >= 0) belowEnd++;
    if (aboveStart < belowEnd) aboveStart = belowEnd;
    while (aboveStart < m && !(x - b[aboveStart] < 0 && -(x - b[aboveStart]) > below)) aboveStart++;
    if (aboveEnd < aboveStart) aboveEnd = aboveStart;
    while (aboveEnd < m && -(x - b[aboveEnd]) < above) aboveEnd++;
    windowFirst[2 * i] = belowStart;
    total += belowEnd - belowStart;
    windowEndCount[2 * i] = total;
    windowFirst[2 * i + 1] = aboveStart;
    total += aboveEnd - aboveStart;
    windowEndCount[2 * i + 1] = total;
  }
  return total;
}

/** One of the `total` pairs the last countPairs found, drawn by a fixed-seed generator (same input, same path). */
function samplePair(a: Float64Array, n: number, b: Float64Array, total: number): number {
  sampleState = (sampleState + 0x9e3779b9) >>> 0;
  let z = sampleState;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  const t = Math.floor((((z ^ (z >>> 16)) >>> 0) / 4294967296) * total);
  let lo = 0;
  let hi = 2 * n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (windowEndCount[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  const before = lo === 0 ? 0 : windowEndCount[lo - 1];
  return Math.abs(a[lo >> 1] - b[windowFirst[lo] + (t - before)]);
}

/** Lists the distinct values of the pairs the last countPairs found into `listed`, ascending; returns how many. */
function listPairs(a: Float64Array, n: number, b: Float64Array, m: number, below: number, above: number): number {
  const total = countPairs(a, n, b, m, below, above);
  if (listed.length < total) listed = new Float64Array(Math.max(total, 2 * listed.length));
  let k = 0;
  for (let w = 0; w < 2 * n; w++) {
    const x = a[w >> 1];
    const end = windowFirst[w] + windowEndCount[w] - (w === 0 ? 0 : windowEndCount[w - 1]);
    for (let j = windowFirst[w]; j < end; j++) listed[k++] = Math.abs(x - b[j]);
  }
  const values = listed.subarray(0, k).sort();
  let unique = 0;
  for (let t = 0; t < k; t++) if (t === 0 || values[t] !== values[unique - 1]) values[unique++] = values[t];
  return unique;
}

function ensureCapacity(n: number, m: number): void {
  if (deathsA.length < n) deathsA = new Float64Array(Math.max(n, 2 * deathsA.length));
  if (deathsB.length < m) deathsB = new Float64Array(Math.max(m, 2 * deathsB.length));
}

/** Sizes the window buffers for n rows; called before a search. */
function ensureWindows(n: number): void {
  if (windowFirst.length < 2 * n) {
    windowFirst = new Int32Array(Math.max(2 * n, 2 * windowFirst.length));
    windowEndCount = new Float64Array(windowFirst.length);
  }
}
