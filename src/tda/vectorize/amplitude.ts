import type { Interval } from "../types.ts";
import { TdaInputError } from "../types.ts";
import { bettiCurve } from "./betti-curve.ts";
import { lifetime } from "./entropy.ts";
import type { EssentialOptions } from "./essential.ts";
import { gridStep, type Grid } from "./grid.ts";
import { heatKernel } from "./heat-kernel.ts";
import { landscapeNorm, persistenceLandscape, sampledNorm } from "./landscape.ts";
import { persistenceImage, type PersistenceWeight } from "./persistence-image.ts";
import { silhouette } from "./silhouette.ts";

/** The metrics of giotto-tda's `Amplitude` ("persistence_image" is spelt with a hyphen here). */
export const amplitudeMetrics = ["bottleneck", "wasserstein", "betti", "landscape", "silhouette", "heat", "persistence-image"] as const;
export type AmplitudeMetric = (typeof amplitudeMetrics)[number];

export interface AmplitudeOptions extends EssentialOptions {
  /** Order of the norm (giotto-tda's `p`), default 2; Infinity allowed (wasserstein then equals bottleneck). */
  p?: number;
  /** Sample points of the filtration axis: needed by every metric but bottleneck and wasserstein. */
  grid?: Grid;
  /** Persistence axis of "persistence-image"; default `{min: 0, max: grid.max − grid.min, n: grid.n}`. */
  persistenceGrid?: Grid;
  /** "landscape": number of layers (default 1, as giotto-tda). */
  layers?: number;
  /** "silhouette": power of the weights (default 1). */
  power?: number;
  /** "heat" and "persistence-image": standard deviation (default 0.1, as giotto-tda). */
  sigma?: number;
  /** "persistence-image": weight by persistence (default 1). */
  weight?: PersistenceWeight;
}

/**
 * Amplitude of one dimension's diagram: its distance to the empty diagram under `metric`,
 * as giotto-tda's `Amplitude` defines it.
 *
 * - bottleneck: max_j (d_j − b_j) / 2, the L∞ distance from the farthest point to the
 *   diagonal (the bottleneck distance to the empty diagram with internal norm ∞).
 * - wasserstein: (Σ_j ((d_j − b_j) / 2)^p)^(1/p), the Wasserstein-p distance to the empty
 *   diagram with internal norm ∞ (gudhi's `wasserstein_distance(D, [], order=p,
 *   internal_p=inf)`). Both are closed forms: against the empty diagram every point goes to
 *   its nearest diagonal point.
 * - betti, landscape, silhouette: the sampled L^p norm step^(1/p) · ‖f‖_p of the curve
 *   (all `layers` landscape layers together).
 * - heat: step^(2/p) · ‖u‖_p of the heat image; persistence-image: (Δb · Δp)^(1/p) · ‖ρ‖_p.
 *
 * Essential classes: an unmatched essential class is infinitely far from the empty diagram,
 * so bottleneck and wasserstein return Infinity when one is present and `infinity` is not
 * set; betti counts them on the grid; the others leave them out (see essential.ts).
 */
export function amplitude(intervals: readonly Interval[], metric: AmplitudeMetric, options: AmplitudeOptions = {}): number {
  const p = options.p ?? 2;
  if (!(p >= 1)) throw new TdaInputError(`amplitude: p ${p} must be at least 1`);
  switch (metric) {
    case "bottleneck":
      return diagonalDistance(intervals, Infinity, options.infinity);
    case "wasserstein":
      // W_∞ is the bottleneck distance, and diagonalDistance computes exactly that for p = ∞.
      return diagonalDistance(intervals, p, options.infinity);
    case "betti": {
      const grid = needGrid(options, metric);
      return sampledNorm(bettiCurve(intervals, grid, options), grid.n, gridStep(grid), p);
    }
    case "landscape": {
      const grid = needGrid(options, metric);
      const layers = options.layers ?? 1;
      return landscapeNorm(persistenceLandscape(intervals, grid, layers, options), grid, layers, p);
    }
    case "silhouette": {
      const grid = needGrid(options, metric);
      return sampledNorm(silhouette(intervals, grid, options.power ?? 1, options), grid.n, gridStep(grid), p);
    }
    case "heat": {
      const grid = needGrid(options, metric);
      const step = gridStep(grid);
      const image = heatKernel(intervals, grid, options.sigma ?? 0.1, options);
      return sampledNorm(image, image.length, step * step, p);
    }
    case "persistence-image": {
      const grid = needGrid(options, metric);
      const persistenceGrid = options.persistenceGrid ?? defaultPersistenceGrid(grid);
      const image = persistenceImage(intervals, grid, persistenceGrid, options.sigma ?? 0.1, options);
      return sampledNorm(image, image.length, gridStep(grid) * gridStep(persistenceGrid), p);
    }
    default:
      throw new TdaInputError(`amplitude: unknown metric "${String(metric)}"; one of ${amplitudeMetrics.join(", ")}`);
  }
}

/** The persistence axis matching a filtration grid: from 0 to its width, as many points. */
export function defaultPersistenceGrid(grid: Grid): Grid {
  return { min: 0, max: grid.n > 1 ? grid.max - grid.min : 1, n: grid.n };
}

function diagonalDistance(intervals: readonly Interval[], p: number, infinity: number | undefined): number {
  let result = 0;
  for (let j = 0; j < intervals.length; j++) {
    if (intervals[j][1] === Infinity && infinity === undefined) return Infinity;
    const half = lifetime(intervals[j], infinity) / 2;
    if (p === Infinity) result = Math.max(result, half);
    else result += half ** p;
  }
  return p === Infinity ? result : result ** (1 / p);
}

function needGrid(options: AmplitudeOptions, metric: AmplitudeMetric): Grid {
  if (options.grid === undefined) throw new TdaInputError(`amplitude: the ${metric} metric needs a grid`);
  return options.grid;
}
