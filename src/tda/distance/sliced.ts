/**
 * Sliced Wasserstein distance between persistence diagrams (Carrière, Cuturi, Oudot, "Sliced
 * Wasserstein kernel for persistence diagrams", 2017), with M directions:
 *
 *   SW_M(A, B) = (1/M) Σ_{k=0}^{M−1} W_1( π_k(A ∪ Δ_B), π_k(B ∪ Δ_A) ),
 *
 * where θ_k = −π/2 + kπ/M, π_k(x) = ⟨x, (cos θ_k, sin θ_k)⟩ projects a point of the plane on
 * the line of direction θ_k, Δ_X is the set of orthogonal projections ((b+d)/2, (b+d)/2) of
 * X's points on the diagonal, and W_1 between two equal-size sets of reals is the sum of
 * |differences| of their sorted values. As M grows SW_M tends to (1/π) ∫ over θ ∈ [−π/2, π/2].
 * This is the same quantity (same directions) as gudhi's `SlicedWassersteinDistance`
 * (gudhi.representations) with `num_directions = M`.
 *
 * Bounds (checked by the tests): 0 ≤ SW_M(A, B) ≤ 2·W_{1,2}(A, B) for every M, since each
 * direction's W_1 is at most the cost of the matching built from an optimal W_{1,2} matching
 * (projections are 1-Lipschitz, and a pair's diagonal projections pair up as well).
 *
 * Infinite intervals: different numbers of essential classes give Infinity; equal numbers
 * are matched by birth order and add Σ |b − b'| (their W_1 on the birth axis), because a
 * point at infinite death has no finite projection on most directions. gudhi's sliced
 * distance has no rule for them (it expects finite diagrams).
 */
import { TdaInputError, type Interval } from "../types.ts";
import { essentialCountsDiffer, prepareDiagram } from "./prepare.ts";

export const DEFAULT_DIRECTIONS = 50;

export function slicedWassersteinDistance(
  a: readonly Interval[],
  b: readonly Interval[],
  directions: number = DEFAULT_DIRECTIONS,
): number {
  if (!Number.isInteger(directions) || directions < 1) {
    throw new TdaInputError(`number of directions ${String(directions)} must be a positive integer`);
  }
  const prepA = prepareDiagram(a, "first diagram");
  const prepB = prepareDiagram(b, "second diagram");
  if (essentialCountsDiffer(prepA, prepB)) return Infinity;
  let essential = 0;
  for (let k = 0; k < prepA.essentialBirths.length; k++) {
    essential += Math.abs(prepA.essentialBirths[k] - prepB.essentialBirths[k]);
  }
  const n = prepA.births.length;
  const m = prepB.births.length;
  const size = n + m;
  if (size === 0) return essential;
  const left = new Float64Array(size);
  const right = new Float64Array(size);
  let sum = 0;
  for (let k = 0; k < directions; k++) {
    const theta = -Math.PI / 2 + (k * Math.PI) / directions;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    // A diagonal point (t, t) projects to t·(cos + sin).
    const diagonal = c + s;
    for (let i = 0; i < n; i++) {
      left[i] = prepA.births[i] * c + prepA.deaths[i] * s;
      right[m + i] = ((prepA.births[i] + prepA.deaths[i]) / 2) * diagonal;
    }
    for (let j = 0; j < m; j++) {
      right[j] = prepB.births[j] * c + prepB.deaths[j] * s;
      left[n + j] = ((prepB.births[j] + prepB.deaths[j]) / 2) * diagonal;
    }
    left.sort();
    right.sort();
    let line = 0;
    for (let t = 0; t < size; t++) line += Math.abs(left[t] - right[t]);
    sum += line;
  }
  return sum / directions + essential;
}
