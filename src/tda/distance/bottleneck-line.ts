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
import type { MatchedPair } from "./prepare.ts";

/** Above this many table cells, the general matcher is used instead. */
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
 * Distance and matching for points (birth, death) all of one birth. Indices in the matching
 * are positions in the given arrays (-1 for the diagonal). Costs are computed exactly as the
 * general matcher computes them, so both give the same number.
 */
export function lineBottleneck(
  birthsA: Float64Array,
  deathsA: Float64Array,
  birthsB: Float64Array,
  deathsB: Float64Array,
): { distance: number; matching: MatchedPair[] } {
  const orderA = byDeath(deathsA);
  const orderB = byDeath(deathsB);
  const n = orderA.length;
  const m = orderB.length;
  const width = m + 1;
  const choice = new Uint8Array((n + 1) * width);
  let previous = new Float64Array(width);
  let current = new Float64Array(width);
  for (let j = 1; j <= m; j++) {
    const b = orderB[j - 1];
    previous[j] = Math.max(previous[j - 1], (deathsB[b] - birthsB[b]) / 2);
    choice[j] = FROM_B;
  }
  for (let i = 1; i <= n; i++) {
    const a = orderA[i - 1];
    const halfA = (deathsA[a] - birthsA[a]) / 2;
    const da = deathsA[a];
    current[0] = Math.max(previous[0], halfA);
    choice[i * width] = FROM_A;
    for (let j = 1; j <= m; j++) {
      const b = orderB[j - 1];
      let best = Math.max(previous[j], halfA);
      let how = FROM_A;
      const viaB = Math.max(current[j - 1], (deathsB[b] - birthsB[b]) / 2);
      if (viaB < best) {
        best = viaB;
        how = FROM_B;
      }
      const paired = Math.max(previous[j - 1], Math.max(Math.abs(birthsA[a] - birthsB[b]), Math.abs(da - deathsB[b])));
      if (paired < best) {
        best = paired;
        how = PAIRED;
      }
      current[j] = best;
      choice[i * width + j] = how;
    }
    const swap = previous;
    previous = current;
    current = swap;
  }
  const matching: MatchedPair[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const how = choice[i * width + j];
    if (how === PAIRED) matching.push([orderA[--i], orderB[--j]]);
    else if (how === FROM_A) matching.push([orderA[--i], -1]);
    else matching.push([-1, orderB[--j]]);
  }
  return { distance: previous[m], matching: matching.reverse() };
}

function byDeath(deaths: Float64Array): Int32Array {
  const order = new Int32Array(deaths.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  return order.sort((p, q) => deaths[p] - deaths[q]);
}
