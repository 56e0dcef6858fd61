import type { Interval } from "../types.ts";
import { TdaInputError } from "../types.ts";
import { effectiveDeath, type EssentialOptions } from "./essential.ts";
import { gaussianDensityConstant, gaussianFactors } from "./gaussian.ts";
import { checkGrid, gridValues, outputBuffer, type Grid } from "./grid.ts";

/**
 * Heat-kernel image (Reininghaus et al. 2015): every point p = (b, d) is a Gaussian
 * source, and its mirror image p̄ = (d, b) across the diagonal a sink, so the diagonal
 * stays at zero:
 *   u(x, y) = Σ_p [ g_σ(x − b, y − d) − g_σ(x − d, y − b) ],
 *   g_σ(u, v) = exp(−(u² + v²) / (2σ²)) / (2πσ²).
 * σ is the standard deviation, in filtration units, as giotto-tda's `HeatKernel(sigma)`.
 * Reininghaus et al. write the same function with a diffusion time σ_R: σ_R = σ² / 2.
 *
 * Sampled at grid × grid: `out[r * n + c] = u(x = t_c, y = t_r)` (births along a row,
 * deaths down the columns; an n × n image, row-major). giotto-tda first moves each point to
 * the grid point below it and then blurs the pixel image; we evaluate the Gaussian exactly,
 * so the two agree up to that snapping (within a grid step). Essential classes: left out
 * unless `infinity` is set.
 */
export function heatKernel(
  intervals: readonly Interval[],
  grid: Grid,
  sigma: number,
  options: EssentialOptions = {},
  out?: Float64Array,
): Float64Array {
  checkGrid(grid);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new TdaInputError(`heat kernel: sigma ${sigma} must be positive`);
  const n = grid.n;
  const image = outputBuffer(n * n, out);
  const t = gridValues(grid);
  const atBirth = new Float64Array(n);
  const atDeath = new Float64Array(n);
  const constant = gaussianDensityConstant(sigma);
  for (let j = 0; j < intervals.length; j++) {
    const birth = intervals[j][0];
    const death = effectiveDeath(intervals[j][1], options.infinity);
    if (!(death > birth) || death === Infinity) continue;
    gaussianFactors(t, birth, sigma, atBirth);
    gaussianFactors(t, death, sigma, atDeath);
    for (let r = 0; r < n; r++) {
      const sourceRow = atDeath[r] * constant;
      const sinkRow = atBirth[r] * constant;
      const row = r * n;
      for (let c = 0; c < n; c++) image[row + c] += atBirth[c] * sourceRow - atDeath[c] * sinkRow;
    }
  }
  return image;
}
