import type { Interval } from "../types.ts";
import { TdaInputError } from "../types.ts";
import { effectiveDeath, type EssentialOptions } from "./essential.ts";
import { gaussianDensityConstant, gaussianFactors } from "./gaussian.ts";
import { checkGrid, gridValues, outputBuffer, type Grid } from "./grid.ts";

/** Weight of a point of the diagram as a function of its persistence d − b. */
export type PersistenceWeight = (persistence: number) => number;

/** giotto-tda's and gudhi's default: every point weighs 1. */
export const constantWeight: PersistenceWeight = () => 1;

/**
 * Adams et al. (2017)'s weight: 0 at persistence 0, rising linearly to 1 at `full`
 * persistence and 1 beyond (persim's `linear_ramp` has this shape).
 */
export function linearRampWeight(full: number): PersistenceWeight {
  if (!(full > 0)) throw new TdaInputError(`persistence image: ramp end ${full} must be positive`);
  return (persistence) => (persistence <= 0 ? 0 : persistence >= full ? 1 : persistence / full);
}

export interface PersistenceImageOptions extends EssentialOptions {
  /** Weight of a point by its persistence; `constantWeight` by default, as giotto-tda. */
  weight?: PersistenceWeight;
}

/**
 * Persistence image (Adams et al. 2017) on birth–persistence axes. The persistence surface
 *   ρ(x, y) = Σ_(b,d) w(d − b) · g_σ(x − b, y − (d − b)),
 *   g_σ(u, v) = exp(−(u² + v²) / (2σ²)) / (2πσ²),
 * is a weighted sum of isotropic Gaussians with standard deviation σ per axis (variance
 * σ²), in filtration units. It is sampled at birthGrid × persistenceGrid:
 * `out[r * nb + c] = ρ(x = birth_c, y = persistence_r)` (row-major, persistence down).
 *
 * σ conventions elsewhere, for comparing numbers:
 * - giotto-tda `PersistenceImage(sigma)`: σ is the standard deviation, as here; the image
 *   is a density too (it divides by the pixel area), but points are first moved to the
 *   grid point below them, so values agree up to that snapping. Default weight 1, as here.
 * - gudhi `PersistenceImage(bandwidth)`: bandwidth is the standard deviation, density
 *   sampled at grid points, as here; its weight takes the (birth, persistence) point.
 * - persim `PersistenceImager(kernel_params={"sigma": Σ})`: Σ is a covariance matrix, so
 *   σ here corresponds to Σ = [[σ², 0], [0, σ²]] (its default Σ = identity is σ = 1);
 *   persim integrates the Gaussian over each pixel (Adams's definition), which is ≈ our
 *   value × pixel area for small pixels; its default weight is the persistence itself
 *   (`weight: (p) => p` here), and it offers Adams's ramp (`linearRampWeight`).
 * Essential classes: left out unless `infinity` is set.
 */
export function persistenceImage(
  intervals: readonly Interval[],
  birthGrid: Grid,
  persistenceGrid: Grid,
  sigma: number,
  options: PersistenceImageOptions = {},
  out?: Float64Array,
): Float64Array {
  checkGrid(birthGrid, "persistence image birth grid");
  checkGrid(persistenceGrid, "persistence image persistence grid");
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new TdaInputError(`persistence image: sigma ${sigma} must be positive`);
  const weight = options.weight ?? constantWeight;
  const nb = birthGrid.n;
  const np = persistenceGrid.n;
  const image = outputBuffer(nb * np, out);
  const births = gridValues(birthGrid);
  const persistences = gridValues(persistenceGrid);
  const alongBirth = new Float64Array(nb);
  const alongPersistence = new Float64Array(np);
  const constant = gaussianDensityConstant(sigma);
  for (let j = 0; j < intervals.length; j++) {
    const birth = intervals[j][0];
    const death = effectiveDeath(intervals[j][1], options.infinity);
    if (!(death > birth) || death === Infinity) continue;
    const persistence = death - birth;
    const w = weight(persistence) * constant;
    if (w === 0) continue;
    gaussianFactors(births, birth, sigma, alongBirth);
    gaussianFactors(persistences, persistence, sigma, alongPersistence);
    for (let r = 0; r < np; r++) {
      const factor = alongPersistence[r] * w;
      const row = r * nb;
      for (let c = 0; c < nb; c++) image[row + c] += alongBirth[c] * factor;
    }
  }
  return image;
}
