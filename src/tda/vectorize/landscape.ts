import type { Interval } from "../types.ts";
import { effectiveDeath, type EssentialOptions } from "./essential.ts";
import { checkGrid, gridPoint, gridStep, outputBuffer, type Grid } from "./grid.ts";
import { TdaInputError } from "../types.ts";

/**
 * Persistence landscape (Bubenik 2015): λ_k(t) is the k-th largest of the tents
 * Λ_j(t) = max(0, min(t − b_j, d_j − t)), zero when fewer than k tents are positive.
 * Sampled on the grid; layer k (0-based) occupies `out[k * n … k * n + n − 1]`.
 * Same definition and layout per layer as giotto-tda's `PersistenceLandscape`.
 * Essential classes: left out unless `infinity` is set (see essential.ts).
 *
 * Per grid point the k largest tents are kept by insertion into a k-slot buffer:
 * O(n · intervals · k) time, k slots of scratch.
 */
export function persistenceLandscape(
  intervals: readonly Interval[],
  grid: Grid,
  layers: number,
  options: EssentialOptions = {},
  out?: Float64Array,
): Float64Array {
  checkGrid(grid);
  checkLayers(layers);
  const n = grid.n;
  const result = outputBuffer(n * layers, out);
  // The finite intervals once, as plain arrays: the loop below runs n times over them.
  const births = new Float64Array(intervals.length);
  const deaths = new Float64Array(intervals.length);
  let m = 0;
  for (let j = 0; j < intervals.length; j++) {
    const death = effectiveDeath(intervals[j][1], options.infinity);
    if (!(death > intervals[j][0]) || death === Infinity) continue;
    births[m] = intervals[j][0];
    deaths[m++] = death;
  }
  const top = new Float64Array(layers);
  for (let i = 0; i < n; i++) {
    const t = gridPoint(grid, i);
    top.fill(0);
    for (let j = 0; j < m; j++) {
      const tent = Math.min(t - births[j], deaths[j] - t);
      if (tent <= top[layers - 1]) continue;
      let k = layers - 1;
      while (k > 0 && top[k - 1] < tent) {
        top[k] = top[k - 1];
        k--;
      }
      top[k] = tent;
    }
    for (let k = 0; k < layers; k++) result[k * n + i] = top[k];
  }
  return result;
}

/**
 * L^p norm of a sampled function on the grid, as a Riemann sum: (step · Σ |f_i|^p)^(1/p),
 * or max |f_i| for p = Infinity. This is how giotto-tda's `Amplitude` turns sampled
 * curves into norms ("landscape", "betti", "silhouette" metrics).
 */
export function sampledNorm(values: ArrayLike<number>, length: number, step: number, p: number): number {
  if (p === Infinity) {
    let max = 0;
    for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(values[i]));
    return max;
  }
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.abs(values[i]) ** p;
  return (step * sum) ** (1 / p);
}

/**
 * The L^p norm of a landscape over all its layers, ‖λ‖_p = (Σ_k ∫ λ_k(t)^p dt)^(1/p),
 * the norm Gidea and Katz (2018) track (p = 1 and p = 2), with the integral a Riemann sum
 * on the grid (`sampledNorm`). It equals giotto-tda's landscape amplitude with the same
 * grid, `n_layers` and `p`.
 */
export function landscapeNorm(landscape: Float64Array, grid: Grid, layers: number, p: number): number {
  return sampledNorm(landscape, grid.n * layers, gridStep(grid), p);
}

function checkLayers(layers: number): void {
  if (!Number.isInteger(layers) || layers < 1) throw new TdaInputError(`landscape: layers ${layers} must be a positive integer`);
}
