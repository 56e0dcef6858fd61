/**
 * Exact bottleneck distance between small diagrams (the H1 of a window: tens of points),
 * where the general search's setup costs more than the search itself: every candidate value
 * (each pair's L∞ distance, each half persistence) is listed, sorted and bisected.
 *
 * The decision at radius r: a point whose half persistence exceeds r must be paired within r
 * with a point of the other diagram; any other may go to the diagonal. A matching that pairs
 * all of A's such points and one that pairs all of B's combine into one that pairs both
 * (Mendelsohn–Dulmage), so two augmenting-path matchings decide r. Costs are computed as the
 * general matcher computes them and the value is the least feasible candidate: the same float.
 */

/** Diagrams with at most this many cross pairs take this path. */
export const SMALL_PAIRS = 1024;

let cost = new Float64Array(0);
let candidates = new Float64Array(0);
let halfA = new Float64Array(0);
let halfB = new Float64Array(0);
let mate = new Int32Array(0);
let seen = new Int32Array(0);
let stamp = 0;

/** d_B between finite points (ax[i], ay[i]) and (bx[j], by[j]); n·m at most SMALL_PAIRS. */
export function smallBottleneck(ax: Float64Array, ay: Float64Array, bx: Float64Array, by: Float64Array): number {
  const n = ax.length;
  const m = bx.length;
  if (n === 0 && m === 0) return 0;
  grow(n, m);
  for (let i = 0; i < n; i++) halfA[i] = (ay[i] - ax[i]) / 2;
  for (let j = 0; j < m; j++) halfB[j] = (by[j] - bx[j]) / 2;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) cost[i * m + j] = Math.max(Math.abs(ax[i] - bx[j]), Math.abs(ay[i] - by[j]));
  }
  // No matching beats each point's cheapest place (its nearest partner or the diagonal), and that bound is a candidate itself.
  let lowest = 0;
  for (let i = 0; i < n; i++) {
    let cheapest = halfA[i];
    for (let j = 0; j < m; j++) cheapest = Math.min(cheapest, cost[i * m + j]);
    lowest = Math.max(lowest, cheapest);
  }
  for (let j = 0; j < m; j++) {
    let cheapest = halfB[j];
    for (let i = 0; i < n; i++) cheapest = Math.min(cheapest, cost[i * m + j]);
    lowest = Math.max(lowest, cheapest);
  }
  if (feasible(n, m, lowest)) return lowest;
  let count = 0;
  for (let k = 0; k < n; k++) if (halfA[k] > lowest) candidates[count++] = halfA[k];
  for (let k = 0; k < m; k++) if (halfB[k] > lowest) candidates[count++] = halfB[k];
  for (let k = 0; k < n * m; k++) if (cost[k] > lowest) candidates[count++] = cost[k];
  const sorted = candidates.subarray(0, count).sort();
  // Everything to the diagonal is feasible at the largest half persistence, so the search ends there at the latest.
  let lo = -1;
  let hi = count - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (feasible(n, m, sorted[mid])) hi = mid;
    else lo = mid;
  }
  return sorted[hi];
}

function feasible(n: number, m: number, r: number): boolean {
  return pairsEveryLong(n, m, r, halfA, m, 1) && pairsEveryLong(m, n, r, halfB, 1, m);
}

/**
 * Whether each of the `count` points with half persistence above r gets its own partner
 * among `size` within r; the cost of point u with partner v is cost[u·rowStride + v·columnStride].
 */
function pairsEveryLong(count: number, size: number, r: number, half: Float64Array, rowStride: number, columnStride: number): boolean {
  mate.fill(-1, 0, size);
  if (stamp > 0x3fffffff - count) {
    seen.fill(0);
    stamp = 0;
  }
  for (let u = 0; u < count; u++) {
    if (half[u] <= r) continue;
    stamp++;
    if (!augment(u, size, r, rowStride, columnStride)) return false;
  }
  return true;
}

/** Kuhn's augmenting path from u (depth at most the number of points: small). */
function augment(u: number, size: number, r: number, rowStride: number, columnStride: number): boolean {
  for (let v = 0; v < size; v++) {
    if (seen[v] === stamp || !(cost[u * rowStride + v * columnStride] <= r)) continue;
    seen[v] = stamp;
    if (mate[v] < 0 || augment(mate[v], size, r, rowStride, columnStride)) {
      mate[v] = u;
      return true;
    }
  }
  return false;
}

function grow(n: number, m: number): void {
  if (cost.length < n * m) cost = new Float64Array(Math.max(n * m, 2 * cost.length));
  if (candidates.length < n * m + n + m) candidates = new Float64Array(Math.max(n * m + n + m, 2 * candidates.length));
  if (halfA.length < n) halfA = new Float64Array(Math.max(n, 2 * halfA.length));
  if (halfB.length < m) halfB = new Float64Array(Math.max(m, 2 * halfB.length));
  const size = Math.max(n, m);
  if (mate.length < size) {
    mate = new Int32Array(Math.max(size, 2 * mate.length));
    seen = new Int32Array(mate.length);
    stamp = 0;
  }
}
