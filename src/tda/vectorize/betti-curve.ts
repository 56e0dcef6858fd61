import type { Interval } from "../types.ts";
import { effectiveDeath, type EssentialOptions } from "./essential.ts";
import { checkGrid, gridPoint, outputBuffer, type Grid } from "./grid.ts";

/**
 * Betti curve: β(t) = #{ (b, d) : b ≤ t < d }, the number of classes alive at t, sampled
 * at the grid points. Same definition as giotto-tda's `BettiCurve` (born when t ≥ b, dead
 * when t ≥ d). Essential classes count from their birth on (or until `infinity` when set).
 *
 * Each interval adds +1 at the first grid point ≥ b and −1 at the first ≥ d; a prefix sum
 * then gives the curve in O(intervals + n), with no allocation when `out` is given.
 */
export function bettiCurve(
  intervals: readonly Interval[],
  grid: Grid,
  options: EssentialOptions = {},
  out?: Float64Array,
): Float64Array {
  checkGrid(grid);
  const n = grid.n;
  const curve = outputBuffer(n, out);
  for (const [birth, rawDeath] of intervals) {
    const death = effectiveDeath(rawDeath, options.infinity);
    if (!(death > birth)) continue;
    const start = firstAtOrAbove(grid, birth);
    if (start >= n) continue;
    const end = firstAtOrAbove(grid, death);
    curve[start] += 1;
    if (end < n) curve[end] -= 1;
  }
  for (let i = 1; i < n; i++) curve[i] += curve[i - 1];
  return curve;
}

/** Index of the first grid point ≥ x (n when none): estimated by division, then corrected against the points themselves. */
export function firstAtOrAbove(grid: Grid, x: number): number {
  const n = grid.n;
  if (x === Infinity) return n;
  if (x <= grid.min) return 0;
  if (n === 1 || x > grid.max) return n;
  let i = Math.ceil(((x - grid.min) / (grid.max - grid.min)) * (n - 1));
  if (i > n - 1) i = n - 1;
  if (i < 0) i = 0;
  while (i > 0 && gridPoint(grid, i - 1) >= x) i--;
  while (i < n && gridPoint(grid, i) < x) i++;
  return i;
}
