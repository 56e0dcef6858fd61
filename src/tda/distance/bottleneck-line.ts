/**
 * Bottleneck distance when every finite point of both diagrams has the same birth, as in H0
 * of a Rips filtration (all born at 0): the points lie on one vertical line.
 *
 * On a line a crossing pair of matched edges can always be uncrossed without raising the
 * larger cost, so some optimal matching pairs the points of A and B in sorted order, each
 * point being either paired with the next one of the other diagram or sent to the diagonal.
 * A dynamic programme over the two sorted lists finds it: D[i][j], the least bottleneck for
 * the first i points of A and the first j of B, is the best of sending A's i-th to the
 * diagonal, B's j-th to the diagonal, or pairing the two. O(|A|·|B|) time, no search.
 */
import type { Interval } from "../types.ts";
import type { MatchedPair } from "./prepare.ts";

/** Above this many table cells, a matching is found by the general matcher instead (the distance alone needs one row). */
export const LINE_TABLE_LIMIT = 1 << 22;

/** True when all births in both lists are one and the same value. */
export function onOneLine(birthsA: Float64Array, birthsB: Float64Array): boolean {
  const first = birthsA.length > 0 ? birthsA[0] : birthsB.length > 0 ? birthsB[0] : 0;
  for (let k = 0; k < birthsA.length; k++) if (birthsA[k] !== first) return false;
  for (let k = 0; k < birthsB.length; k++) if (birthsB[k] !== first) return false;
  return true;
}

const FROM_A = 1;
const FROM_B = 2;
const PAIRED = 3;

/**
 * Distance, and with `withMatching` a matching, for points (birth, death) all of one birth.
 * Indices in the matching are positions in the given arrays (-1 for the diagonal). Costs are
 * computed exactly as the general matcher computes them, so both give the same number.
 * Without the matching only one row of the table is kept (the distance alone is found
 * faster by bottleneck-line-search.ts; this stays its reference in the tests).
 */
export function lineBottleneck(
  birthsA: Float64Array,
  deathsA: Float64Array,
  birthsB: Float64Array,
  deathsB: Float64Array,
  withMatching = true,
): { distance: number; matching: MatchedPair[] } {
  const orderA = byDeath(deathsA);
  const orderB = byDeath(deathsB);
  const n = orderA.length;
  const m = orderB.length;
  const width = m + 1;
  // Deaths and half persistences of B in sorted order, read once per row.
  const sortedB = new Float64Array(m);
  const halfB = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    sortedB[j] = deathsB[orderB[j]];
    halfB[j] = (deathsB[orderB[j]] - birthsB[orderB[j]]) / 2;
  }
  const birthGap = n > 0 && m > 0 ? Math.abs(birthsA[0] - birthsB[0]) : 0;
  const choice = withMatching ? new Uint8Array((n + 1) * width) : null;
  // row[j] holds D[i−1][j] until overwritten with D[i][j]; `left` is D[i][j−1], `diagonal` D[i−1][j−1].
  const row = new Float64Array(width);
  for (let j = 1; j <= m; j++) row[j] = Math.max(row[j - 1], halfB[j - 1]);
  if (choice) for (let j = 1; j <= m; j++) choice[j] = FROM_B;
  for (let i = 1; i <= n; i++) {
    const a = orderA[i - 1];
    const halfA = (deathsA[a] - birthsA[a]) / 2;
    const da = deathsA[a];
    let diagonal = row[0];
    let left = (row[0] = Math.max(row[0], halfA));
    if (choice) choice[i * width] = FROM_A;
    for (let j = 1; j <= m; j++) {
      const up = row[j];
      let best = up > halfA ? up : halfA;
      let how = FROM_A;
      const hb = halfB[j - 1];
      const viaB = left > hb ? left : hb;
      if (viaB < best) {
        best = viaB;
        how = FROM_B;
      }
      const gap = Math.max(birthGap, Math.abs(da - sortedB[j - 1]));
      const paired = diagonal > gap ? diagonal : gap;
      if (paired < best) {
        best = paired;
        how = PAIRED;
      }
      diagonal = up;
      left = row[j] = best;
      if (choice) choice[i * width + j] = how;
    }
  }
  const distance = row[m];
  if (!choice) return { distance, matching: [] };
  const matching: MatchedPair[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const how = choice[i * width + j];
    if (how === PAIRED) matching.push([orderA[--i], orderB[--j]]);
    else if (how === FROM_A) matching.push([orderA[--i], -1]);
    else matching.push([-1, orderB[--j]]);
  }
  return { distance, matching: matching.reverse() };
}

function byDeath(deaths: Float64Array): Int32Array {
  const order = new Int32Array(deaths.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  return order.sort((p, q) => deaths[p] - deaths[q]);
}

/**
 * An upper bound of the bottleneck distance between diagrams whose intervals all have one
 * birth and are listed by death ascending (as Rips H0 diagrams are once sorted): the cost of
 * one matching, the longest of each paired with the longest of the other and so on down, the
 * rest sent to the diagonal. Infinity when the diagrams are not of that kind or their
 * essential classes differ in number. O(n + m), no allocation: a caller that wants only the
 * largest distance over several dimensions can skip an H0 distance this bound shows cannot
 * be the largest.
 */
export function sortedMatchingBound(a: readonly Interval[], b: readonly Interval[]): number {
  const birth = a.length > 0 ? a[0][0] : b.length > 0 ? b[0][0] : 0;
  const finiteA = finitePrefix(a, birth);
  const finiteB = finitePrefix(b, birth);
  if (finiteA < 0 || finiteB < 0 || a.length - finiteA !== b.length - finiteB) return Infinity;
  let bound = 0;
  let i = finiteA - 1;
  let j = finiteB - 1;
  for (; i >= 0 && j >= 0; i--, j--) bound = Math.max(bound, Math.abs(a[i][1] - b[j][1]));
  for (; i >= 0; i--) bound = Math.max(bound, (a[i][1] - birth) / 2);
  for (; j >= 0; j--) bound = Math.max(bound, (b[j][1] - birth) / 2);
  return bound;
}

/** How many finite intervals lead the list, all born at `birth` with deaths ascending and the rest essential; -1 otherwise. */
function finitePrefix(intervals: readonly Interval[], birth: number): number {
  let finite = 0;
  let last = -Infinity;
  // Indexed, not destructured: this runs on every window's H0 in the stream.
  for (let k = 0; k < intervals.length; k++) {
    const interval = intervals[k];
    const d = interval[1];
    if (interval[0] !== birth || d < last || Number.isNaN(d)) return -1;
    if (d !== Infinity) finite++;
    last = d;
  }
  return finite;
}
