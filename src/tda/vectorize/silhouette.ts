import type { Interval } from "../types.ts";
import { TdaInputError } from "../types.ts";
import { effectiveDeath, type EssentialOptions } from "./essential.ts";
import { checkGrid, gridPoint, outputBuffer, type Grid } from "./grid.ts";

/**
 * Power-weighted silhouette (Chazal et al. 2014):
 *   φ(t) = Σ_j w_j Λ_j(t) / Σ_j w_j,  w_j = (d_j − b_j)^power,
 * with Λ_j the landscape tents. Zero for a diagram with no finite interval. Same as
 * giotto-tda's `Silhouette(power=…)` (power 1 by default there too). The weights are
 * computed relative to the longest lifetime (the ratio is unchanged) so large powers
 * do not overflow. Essential classes: left out unless `infinity` is set.
 */
export function silhouette(
  intervals: readonly Interval[],
  grid: Grid,
  power = 1,
  options: EssentialOptions = {},
  out?: Float64Array,
): Float64Array {
  checkGrid(grid);
  if (!(power > 0) || !Number.isFinite(power)) throw new TdaInputError(`silhouette: power ${power} must be positive`);
  const n = grid.n;
  const result = outputBuffer(n, out);
  let longest = 0;
  for (const [birth, rawDeath] of intervals) {
    const death = effectiveDeath(rawDeath, options.infinity);
    if (death > birth && death !== Infinity) longest = Math.max(longest, death - birth);
  }
  if (longest === 0) return result;
  let totalWeight = 0;
  for (const [birth, rawDeath] of intervals) {
    const death = effectiveDeath(rawDeath, options.infinity);
    if (!(death > birth) || death === Infinity) continue;
    const weight = ((death - birth) / longest) ** power;
    totalWeight += weight;
    for (let i = 0; i < n; i++) {
      const t = gridPoint(grid, i);
      const tent = Math.min(t - birth, death - t);
      if (tent > 0) result[i] += weight * tent;
    }
  }
  for (let i = 0; i < n; i++) result[i] /= totalWeight;
  return result;
}
